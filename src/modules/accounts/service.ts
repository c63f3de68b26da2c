// Accounts: users for clerks and auditors, clients for HR systems, and the token grant.
import type { Db } from '../../db/store.js'
import { passwordProblem } from '../../domain/password-rule.js'
import { fail } from '../../errors.js'
import { assertVersion, type ExpectedVersion } from '../../http/concurrency.js'
import { hashSecret, randomSecret, verifySecret } from '../../security/passwords.js'
import type { Actor, Principal, Role } from '../../security/roles.js'
import { appendAudit, systemActor, type SystemActor } from '../audit/repository.js'
import type { ServiceContext } from '../context.js'
import { accountVersion, agencyExists, clientRepository, subjectOf, userRepository, type ClientRow, type UserRow } from './repository.js'

export interface NewAccount { role: Role, agencyId?: number | null | undefined }

export const publicUser = (u: UserRow) => ({ id: u.id, username: u.username, role: u.role, agencyId: u.agencyId, disabled: u.disabled, version: u.version, createdAt: u.createdAt })
export const publicClient = (c: ClientRow) => ({ id: c.id, clientId: c.clientId, name: c.name, role: c.role, agencyId: c.agencyId, disabled: c.disabled, version: c.version, createdAt: c.createdAt })

/** The agency an account is bound to: none for admin; required and existing for every other role. */
async function accountAgency (db: Db, a: NewAccount): Promise<number | null> {
  if (a.role === 'admin') return null
  if (a.agencyId === undefined || a.agencyId === null) fail('SCOPE_REQUIRED', `role ${a.role} needs an agencyId`)
  if (!(await agencyExists(db, a.agencyId))) fail('AGENCY_OUT_OF_SCOPE', `agency ${a.agencyId} does not exist`)
  return a.agencyId
}

/** The one password rule (domain/password-rule), whoever sets the password: the API's schema
 *  says it first, the commands and the first start come here only. VALIDATION_FAILED naming it. */
function checkPassword (password: string): void {
  const problem = passwordProblem(password)
  if (problem !== null) fail('VALIDATION_FAILED', problem, { errors: [{ in: 'body', pointer: '/password', detail: problem }] })
}

export function accountsService ({ store, clock, secretCost }: ServiceContext) {
  return {
    /** Creates a user; USERNAME_TAKEN, SCOPE_REQUIRED, AGENCY_OUT_OF_SCOPE. */
    async createUser (actor: Actor | SystemActor, input: NewAccount & { username: string, password: string }) {
      checkPassword(input.password)
      const passwordHash = await hashSecret(input.password, secretCost)
      return store.write(async (db) => {
        if (await userRepository.findByUsername(db, input.username)) fail('USERNAME_TAKEN', `username ${input.username} exists`)
        const agencyId = await accountAgency(db, input)
        const row = await userRepository.insert(db, { username: input.username, passwordHash, role: input.role, agencyId, createdAt: clock().toISOString() })
        await appendAudit(db, actor, clock(), { entity: 'user', entityId: row.id, action: 'create', agencyId: row.agencyId, after: publicUser(row) })
        return publicUser(row)
      })
    },

    /** Changes a user's role, scope, password or disabled flag; NOT_FOUND, SCOPE_REQUIRED. */
    /** Changes a user; `expectedVersion` (If-Match over HTTP) guards against a change made
     *  meanwhile (PRECONDITION_FAILED); the CLI changes an account as it finds it. */
    async updateUser (actor: Actor | SystemActor, id: number, input: Partial<NewAccount & { password: string, disabled: boolean }>, expectedVersion?: ExpectedVersion) {
      if (input.password !== undefined) checkPassword(input.password)
      const passwordHash = input.password === undefined ? undefined : await hashSecret(input.password, secretCost)
      return store.write(async (db) => {
        const before = (await userRepository.findById(db, id)) ?? fail('NOT_FOUND', `user ${id} not found`)
        if (expectedVersion !== undefined) assertVersion(before.version, expectedVersion)
        const role = input.role ?? before.role
        const agencyId = await accountAgency(db, { role, agencyId: input.agencyId === undefined ? before.agencyId : input.agencyId })
        const row = (await userRepository.update(db, id, {
          role,
          agencyId,
          ...(passwordHash ? { passwordHash } : {}),
          ...(input.disabled === undefined ? {} : { disabled: input.disabled })
        })) ?? fail('NOT_FOUND')
        await appendAudit(db, actor, clock(), { entity: 'user', entityId: id, action: passwordHash ? 'update+password' : 'update', agencyId: row.agencyId ?? before.agencyId, priorAgencyId: before.agencyId, before: publicUser(before), after: publicUser(row) })
        return publicUser(row)
      })
    },

    getUser: async (id: number) => publicUser((await store.read(async (db) => userRepository.findById(db, id))) ?? fail('NOT_FOUND', `user ${id} not found`)),
    listUsers: async (afterId: number, limit: number) => store.read(async (db) => userRepository.list(db, afterId, limit)),

    /** Registers an HR system; the secret is answered once and stored only as a hash. */
    async createClient (actor: Actor | SystemActor, input: NewAccount & { name: string }) {
      const clientSecret = randomSecret()
      const secretHash = await hashSecret(clientSecret, secretCost)
      // Prefixed by its role, so a log line or a support call tells an HR system from an auditor.
      const clientId = `${input.role}-${randomSecret(9)}`
      return store.write(async (db) => {
        const agencyId = await accountAgency(db, input)
        const row = await clientRepository.insert(db, { clientId, name: input.name, secretHash, role: input.role, agencyId, createdAt: clock().toISOString() })
        await appendAudit(db, actor, clock(), { entity: 'client', entityId: row.id, action: 'create', agencyId: row.agencyId, after: publicClient(row) })
        return { ...publicClient(row), clientSecret }
      })
    },

    /** Changes a client; `expectedVersion` as for updateUser. */
    async updateClient (actor: Actor | SystemActor, id: number, input: Partial<NewAccount & { name: string, disabled: boolean }>, expectedVersion?: ExpectedVersion) {
      return store.write(async (db) => {
        const before = (await clientRepository.findById(db, id)) ?? fail('NOT_FOUND', `client ${id} not found`)
        if (expectedVersion !== undefined) assertVersion(before.version, expectedVersion)
        const role = input.role ?? before.role
        const agencyId = await accountAgency(db, { role, agencyId: input.agencyId === undefined ? before.agencyId : input.agencyId })
        const row = (await clientRepository.update(db, id, {
          role, agencyId, ...(input.name ? { name: input.name } : {}), ...(input.disabled === undefined ? {} : { disabled: input.disabled })
        })) ?? fail('NOT_FOUND')
        await appendAudit(db, actor, clock(), { entity: 'client', entityId: id, action: 'update', agencyId: row.agencyId ?? before.agencyId, priorAgencyId: before.agencyId, before: publicClient(before), after: publicClient(row) })
        return publicClient(row)
      })
    },

    getClient: async (id: number) => publicClient((await store.read(async (db) => clientRepository.findById(db, id))) ?? fail('NOT_FOUND', `client ${id} not found`)),
    listClients: async (afterId: number, limit: number) => store.read(async (db) => clientRepository.list(db, afterId, limit)),

    /** The principal behind a username and password; INVALID_GRANT when wrong or disabled. */
    async authenticateUser (username: string, password: string): Promise<Omit<Principal, 'via'>> {
      const user = await store.read(async (db) => userRepository.findByUsername(db, username))
      const ok = await verifySecret(password, user?.passwordHash ?? null)
      if (!user || !ok || user.disabled) fail('INVALID_GRANT', '用户名或密码错误 / wrong username or password')
      return { sub: subjectOf('user', user.id), role: user.role, agencyId: user.agencyId, version: user.version }
    },

    /** The principal behind a client id and secret; INVALID_GRANT when wrong or disabled. */
    async authenticateClient (clientId: string, secret: string): Promise<Omit<Principal, 'via'>> {
      const client = await store.read(async (db) => clientRepository.findByClientId(db, clientId))
      const ok = await verifySecret(secret, client?.secretHash ?? null)
      if (!client || !ok || client.disabled) fail('INVALID_GRANT', '客户端凭据错误 / wrong client_id or client_secret')
      return { sub: subjectOf('client', client.id), role: client.role, agencyId: client.agencyId, version: client.version }
    },

    /** The version of the account a token subject names (user:<id>, client:<id>); null when
     *  there is none or it is disabled, so its tokens stop working. Asked on every authenticated
     *  request: one short read, answered from the kept answers while nothing was written. */
    accountVersion: async (sub: string): Promise<number | null> => store.readOne(async (db) => accountVersion(db, sub)),

    /** First start: creates the admin when none exists. Returns the password when it was generated. */
    async ensureAdmin (username: string, password: string | undefined): Promise<{ created: boolean, generatedPassword: string | null }> {
      if (await store.read(async (db) => userRepository.anyAdmin(db))) return { created: false, generatedPassword: null }
      const pw = password ?? randomSecret(18)
      try {
        await this.createUser(systemActor('first-start'), { username, password: pw, role: 'admin' })
      } catch (err) {
        // Two processes starting at once: the other one created it.
        if (await store.read(async (db) => userRepository.anyAdmin(db))) return { created: false, generatedPassword: null }
        throw err
      }
      return { created: true, generatedPassword: password ? null : pw }
    }
  }
}

export type AccountsService = ReturnType<typeof accountsService>
