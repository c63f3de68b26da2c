// The drizzle schema on PostgreSQL: the same tables, columns, nullability and unique indexes as
// the SQLite schema (src/db/schema.ts; test/foundation/schema-agreement.test.ts holds them
// together), in PostgreSQL's types: booleans as boolean, JSON as jsonb, bytes as bytea, ids as
// identity columns. Dates stay 'YYYY-MM-DD' text and timestamps RFC 3339 text, as on SQLite, so
// both engines answer the same strings. Agency paths compare byte by byte (COLLATE "C"): under a
// locale's collation '/1/7/23/' does not sort between '/1/7/' and '/1/70', and a subtree read as
// a range of paths would miss it. Migrations: migrations/pg (drizzle.pg.config.ts).
import { sql } from 'drizzle-orm'
import { boolean, customType, index, integer, json, jsonb, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core'

/** RFC 3339 in UTC with milliseconds, as SQLite's strftime('%Y-%m-%dT%H:%M:%fZ','now') writes it. */
const createdAt = () => text('created_at').notNull().default(sql`to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`)
const flag = (name: string) => boolean(name).notNull().default(false)
/** Text compared byte by byte, whatever the database's locale. */
const textC = customType<{ data: string }>({ dataType: () => 'text COLLATE "C"' })
const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' })

export const agencies = pgTable('agencies', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  name: text('name').notNull(),
  uscc: text('uscc').notNull(),
  kind: text('kind', { enum: ['organ', 'authorized', 'entrusted'] }).notNull(),
  level: text('level', { enum: ['province', 'city', 'county', 'township'] }).notNull(),
  parentId: integer('parent_id'),
  // Materialised path '/1/7/23/': scope checks and subtree queries are one LIKE on an index.
  path: textC('path').notNull().default(''),
  regionCode: text('region_code').notNull(),
  domains: jsonb('domains').$type<string[]>().notNull(),
  status: text('status', { enum: ['active', 'merged', 'dissolved'] }).notNull().default('active'),
  successorId: integer('successor_id'),
  endedOn: text('ended_on'),
  // 重新确认 (002 item 6): the day a rename, a new kind or a merger into it asked for it; cleared
  // when a confirmation is recorded. Null: none due.
  reconfirmationDueSince: text('reconfirmation_due_since'),
  version: integer('version').notNull().default(1),
  createdAt: createdAt(),
  updatedAt: text('updated_at')
}, (t) => [
  uniqueIndex('agencies_uscc_uq').on(t.uscc),
  index('agencies_path_ix').on(t.path),
  index('agencies_parent_ix').on(t.parentId)
])

export const agencyConfirmations = pgTable('agency_confirmations', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  agencyId: integer('agency_id').notNull().references(() => agencies.id),
  year: integer('year').notNull(),
  announcementNo: text('announcement_no').notNull(),
  date: text('date').notNull(),
  // yearly: the year's confirmation (one per agency and year); reconfirmation: 重新确认 after a
  // change, recorded again for a year already confirmed.
  kind: text('kind', { enum: ['yearly', 'reconfirmation'] }).notNull().default('yearly'),
  createdAt: createdAt()
}, (t) => [uniqueIndex('agency_confirmations_year_uq').on(t.agencyId, t.year).where(sql`kind = 'yearly'`)])

export const users = pgTable('users', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  username: text('username').notNull(),
  passwordHash: text('password_hash').notNull(),
  role: text('role', { enum: ['admin', 'clerk', 'hr', 'auditor', 'casework'] }).notNull(),
  agencyId: integer('agency_id').references(() => agencies.id),
  disabled: flag('disabled'),
  version: integer('version').notNull().default(1),
  createdAt: createdAt()
}, (t) => [uniqueIndex('users_username_uq').on(t.username)])

export const clients = pgTable('clients', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  clientId: text('client_id').notNull(),
  name: text('name').notNull(),
  secretHash: text('secret_hash').notNull(),
  role: text('role', { enum: ['admin', 'clerk', 'hr', 'auditor', 'casework'] }).notNull(),
  agencyId: integer('agency_id').references(() => agencies.id),
  disabled: flag('disabled'),
  version: integer('version').notNull().default(1),
  createdAt: createdAt()
}, (t) => [uniqueIndex('clients_client_id_uq').on(t.clientId)])

export const officers = pgTable('officers', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  name: text('name').notNull(),
  idNumber: text('id_number').notNull(),
  agencyId: integer('agency_id').notNull().references(() => agencies.id),
  employeeNo: text('employee_no'),
  phone: text('phone'),
  auxiliary: flag('auxiliary'),
  police: flag('police'),
  legalReviewer: flag('legal_reviewer'),
  supervisor: flag('supervisor'),
  status: text('status', { enum: ['active', 'departed'] }).notNull().default('active'),
  joinedOn: text('joined_on'),
  departedOn: text('departed_on'),
  departureReason: text('departure_reason'),
  version: integer('version').notNull().default(1),
  createdAt: createdAt(),
  updatedAt: text('updated_at')
}, (t) => [
  uniqueIndex('officers_id_number_uq').on(t.idNumber),
  index('officers_agency_ix').on(t.agencyId, t.status)
])

export const officerMoves = pgTable('officer_moves', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  officerId: integer('officer_id').notNull().references(() => officers.id),
  fromAgencyId: integer('from_agency_id').notNull().references(() => agencies.id),
  toAgencyId: integer('to_agency_id').references(() => agencies.id),
  kind: text('kind', { enum: ['transfer', 'departure', 'rejoin'] }).notNull(),
  reason: text('reason').notNull(),
  date: text('date').notNull(),
  createdAt: createdAt()
}, (t) => [index('officer_moves_officer_ix').on(t.officerId)])

export const exams = pgTable('exams', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  name: text('name').notNull(),
  date: text('date').notNull(),
  passMark: integer('pass_mark').notNull(),
  createdAt: createdAt()
})

export const examResults = pgTable('exam_results', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  examId: integer('exam_id').notNull().references(() => exams.id),
  officerId: integer('officer_id').notNull().references(() => officers.id),
  score: integer('score').notNull(),
  passed: boolean('passed').notNull(),
  createdAt: createdAt()
}, (t) => [
  uniqueIndex('exam_results_uq').on(t.examId, t.officerId),
  index('exam_results_officer_ix').on(t.officerId)
])

export const certificates = pgTable('certificates', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  number: text('number').notNull(),
  officerId: integer('officer_id').notNull().references(() => officers.id),
  agencyId: integer('agency_id').notNull().references(() => agencies.id),
  domains: jsonb('domains').$type<string[]>().notNull(),
  issuedOn: text('issued_on').notNull(),
  validUntil: text('valid_until').notNull(),
  status: text('status', { enum: ['active', 'suspended', 'revoked', 'cancelled'] }).notNull(),
  statusReason: text('status_reason'),
  suspendedUntil: text('suspended_until'),
  // 暂扣: the day the card was taken into custody; null when not held (card_custodies keeps the history).
  heldSince: text('held_since'),
  version: integer('version').notNull().default(1),
  createdAt: createdAt(),
  updatedAt: text('updated_at')
}, (t) => [
  uniqueIndex('certificates_number_uq').on(t.number),
  // One live certificate per officer and agency, held by the database itself.
  uniqueIndex('certificates_live_uq').on(t.officerId, t.agencyId).where(sql`status in ('active','suspended')`),
  index('certificates_agency_ix').on(t.agencyId, t.status),
  index('certificates_officer_ix').on(t.officerId)
])

export const certificateSequences = pgTable('certificate_sequences', {
  regionCode: text('region_code').notNull(),
  year: integer('year').notNull(),
  lastSeq: integer('last_seq').notNull()
}, (t) => [primaryKey({ columns: [t.regionCode, t.year] })])

export const certificateEvents = pgTable('certificate_events', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  certificateId: integer('certificate_id').notNull().references(() => certificates.id),
  action: text('action').notNull(),
  fromStatus: text('from_status'),
  toStatus: text('to_status').notNull(),
  reason: text('reason'),
  until: text('until'),
  actor: text('actor').notNull(),
  at: text('at').notNull()
}, (t) => [index('certificate_events_cert_ix').on(t.certificateId)])

export const cardRecalls = pgTable('card_recalls', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  certificateId: integer('certificate_id').notNull().references(() => certificates.id),
  status: text('status', { enum: ['open', 'recovered', 'lost'] }).notNull().default('open'),
  reason: text('reason').notNull(),
  openedOn: text('opened_on').notNull(),
  closedOn: text('closed_on'),
  note: text('note'),
  createdAt: createdAt()
}, (t) => [index('card_recalls_cert_ix').on(t.certificateId), index('card_recalls_status_ix').on(t.status)])

// Custody of suspended cards (暂扣: the card is withheld): opened by a suspension, ended when
// the card is returned (reinstatement) or retained (revoked or cancelled while held).
export const cardCustodies = pgTable('card_custodies', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  certificateId: integer('certificate_id').notNull().references(() => certificates.id),
  heldSince: text('held_since').notNull(),
  endedOn: text('ended_on'),
  outcome: text('outcome', { enum: ['returned', 'retained'] }),
  createdAt: createdAt()
}, (t) => [index('card_custodies_cert_ix').on(t.certificateId)])

export const assessments = pgTable('assessments', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  officerId: integer('officer_id').notNull().references(() => officers.id),
  year: integer('year').notNull(),
  grade: text('grade', { enum: ['excellent', 'competent', 'basically_competent', 'incompetent'] }).notNull(),
  createdAt: createdAt()
}, (t) => [uniqueIndex('assessments_uq').on(t.officerId, t.year)])

export const auditEvents = pgTable('audit_events', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  at: text('at').notNull(),
  actor: text('actor').notNull(),
  role: text('role').notNull(),
  requestId: text('request_id'),
  entity: text('entity').notNull(),
  entityId: text('entity_id').notNull(),
  action: text('action').notNull(),
  before: text('before'),
  after: text('after'),
  // The agency the change concerns (and, for a transfer, the one it left): auditors read
  // within their scope. Null: registry-wide (exam sessions, admin accounts).
  agencyId: integer('agency_id'),
  priorAgencyId: integer('prior_agency_id'),
  // Hash chain: hash = sha256(canonical fields + prev_hash). Null only on events written
  // before the chain existed (a prefix); `npm run cli -- audit verify` checks it.
  prevHash: text('prev_hash'),
  hash: text('hash')
}, (t) => [
  index('audit_events_entity_ix').on(t.entity, t.entityId),
  index('audit_events_actor_ix').on(t.actor),
  index('audit_events_at_ix').on(t.at)
])

// Training (rule 3). A training is a course or session; every credit an officer earns is one
// row of training_records: an attendance of a training, or an external training with its
// evidence. Each record keeps the figure as given (hours or minutes), the conversion rule
// applied and the exact units (1/90 学时), so a total can be explained and recomputed.
export const trainings = pgTable('trainings', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  title: text('title').notNull(),
  category: text('category', { enum: ['public_law', 'professional'] }).notNull(),
  rawHours: text('raw_hours'),
  rawMinutes: integer('raw_minutes'),
  rule: text('rule', { enum: ['hours', 'minutes_45'] }).notNull(),
  units: integer('units').notNull(),
  startDate: text('start_date').notNull(),
  endDate: text('end_date').notNull(),
  year: integer('year').notNull(),
  mode: text('mode', { enum: ['online', 'offline'] }).notNull(),
  provider: text('provider').notNull(),
  // The organiser; null: open to every agency (admin only).
  agencyId: integer('agency_id').references(() => agencies.id),
  createdAt: createdAt()
}, (t) => [index('trainings_agency_ix').on(t.agencyId), index('trainings_year_ix').on(t.year)])

export const trainingRecords = pgTable('training_records', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  officerId: integer('officer_id').notNull().references(() => officers.id),
  // Set for an attendance; null for an external training.
  trainingId: integer('training_id').references(() => trainings.id),
  category: text('category', { enum: ['public_law', 'professional'] }).notNull(),
  rawHours: text('raw_hours'),
  rawMinutes: integer('raw_minutes'),
  rule: text('rule', { enum: ['hours', 'minutes_45'] }).notNull(),
  units: integer('units').notNull(),
  // The completion date (a training's endDate); its calendar year is the record's year.
  date: text('date').notNull(),
  year: integer('year').notNull(),
  title: text('title'),
  provider: text('provider'),
  evidence: text('evidence'),
  createdAt: createdAt()
}, (t) => [
  // One attendance per officer and training, held by the database itself.
  uniqueIndex('training_records_attendance_uq').on(t.trainingId, t.officerId).where(sql`training_id is not null`),
  index('training_records_officer_year_ix').on(t.officerId, t.year)
])

// Per-officer-year sums of training_records, kept in the same transaction as every record,
// so summaries and reports read one row per officer instead of summing raw records.
export const trainingTotals = pgTable('training_totals', {
  officerId: integer('officer_id').notNull().references(() => officers.id),
  year: integer('year').notNull(),
  publicLawUnits: integer('public_law_units').notNull().default(0),
  professionalUnits: integer('professional_units').notNull().default(0)
}, (t) => [primaryKey({ columns: [t.officerId, t.year] }), index('training_totals_year_ix').on(t.year, t.officerId)])

// 年度培训计划 (003 line 52): one plan per agency and year, its three parts in exact units of
// 1/90 学时 (公共法律知识, 业务知识, 行政执法技能), as the 学时 of trainings are.
export const trainingPlans = pgTable('training_plans', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  agencyId: integer('agency_id').notNull().references(() => agencies.id),
  year: integer('year').notNull(),
  publicLawUnits: integer('public_law_units').notNull(),
  professionalUnits: integer('professional_units').notNull(),
  skillsUnits: integer('skills_units').notNull(),
  approvedOn: text('approved_on'),
  // 文号 of the document that adopted the plan.
  document: text('document').notNull(),
  note: text('note'),
  version: integer('version').notNull().default(1),
  createdAt: createdAt(),
  updatedAt: text('updated_at')
}, (t) => [uniqueIndex('training_plans_agency_year_uq').on(t.agencyId, t.year)])

// Idempotency-Key reservations and the answers stored for them (src/plugins/idempotency.ts).
// Keys are per caller; a 'running' row whose holder process is gone (src/process-identity.ts),
// or whose lease passed, was abandoned by a process that died mid-request.
export const idempotencyKeys = pgTable('idempotency_keys', {
  principal: text('principal').notNull(),
  key: text('key').notNull(),
  requestHash: text('request_hash').notNull(),
  state: text('state', { enum: ['running', 'done'] }).notNull(),
  token: text('token').notNull(),
  leaseUntil: text('lease_until').notNull(),
  // The process running the request ("pid:starttime@boot", or the pid); null in rows written
  // before it was recorded (the lease alone frees those).
  holder: text('holder'),
  statusCode: integer('status_code'),
  headers: jsonb('headers').$type<Record<string, string>>(),
  body: bytea('body'),
  createdAt: text('created_at').notNull(),
  expiresAt: text('expires_at').notNull()
}, (t) => [primaryKey({ columns: [t.principal, t.key] }), index('idempotency_keys_expiry_ix').on(t.expiresAt)])

// The change feed (GET /v1/events): domain events projected from audit events by appendAudit,
// in the same transaction. One audit event may give several (an attendance list: one per
// officer). The id is the feed's order and cursor.
export const domainEvents = pgTable('domain_events', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  auditEventId: integer('audit_event_id').notNull().references(() => auditEvents.id),
  type: text('type').notNull(),
  subject: text('subject').notNull(),
  agencyId: integer('agency_id').notNull(),
  priorAgencyId: integer('prior_agency_id'),
  time: text('time').notNull(),
  // json, not jsonb: the text as written, so a CloudEvent's data keeps its keys' order (jsonb
  // sorts them), as on SQLite.
  data: json('data').notNull(),
  // A batch: one event per officer stored as one row (attendances recorded together). JSON
  // [[officerId, agencyId], ...]; the row's id is its last event's id, the ids before it down to
  // id - length + 1 reserved for the others (no other row takes them), agency_id 0 (each event's
  // agency is its officer's). Null for a single event.
  officers: jsonb('officers').$type<Array<[number, number]>>()
}, (t) => [
  index('domain_events_agency_ix').on(t.agencyId, t.id),
  // Batches are read by every scope (filtered officer by officer): found without a scan.
  index('domain_events_batch_ix').on(t.id).where(sql`${t.officers} is not null`),
  // Only events of an officer who moved carry a prior agency: the rest stay out of this index.
  index('domain_events_prior_agency_ix').on(t.priorAgencyId, t.id).where(sql`${t.priorAgencyId} is not null`)
])

// Blind index of officers' ID numbers (src/security/id-numbers.ts). officers.id_number holds the
// number sealed with AES-256-GCM; this keyed HMAC of it gives exact lookup and keeps the number
// unique across the registry without storing it in clear.
export const officerIdIndex = pgTable('officer_id_index', {
  officerId: integer('officer_id').primaryKey().references(() => officers.id),
  digest: text('digest').notNull()
}, (t) => [uniqueIndex('officer_id_index_digest_uq').on(t.digest)])

// Import jobs (Prefer: respond-async, src/modules/imports/jobs.ts): a row per job, its outcome
// written once it ends. The holder is the process running it (src/process-identity.ts): a job
// left queued or running by a process that is gone is failed at the next start.
export const importJobs = pgTable('import_jobs', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  principal: text('principal').notNull(),
  kind: text('kind', { enum: ['officers', 'attendances'] }).notNull(),
  status: text('status', { enum: ['queued', 'running', 'done', 'failed'] }).notNull(),
  partial: flag('partial'),
  dryRun: flag('dry_run'),
  rows: integer('rows').notNull().default(0),
  checked: integer('checked').notNull().default(0),
  applied: integer('applied').notNull().default(0),
  // The answer the synchronous import would have given (the imports module's ImportSummary).
  result: jsonb('result').$type<Record<string, unknown>>(),
  error: jsonb('error').$type<{ code: string, detail: string }>(),
  holder: text('holder').notNull(),
  requestId: text('request_id'),
  createdAt: text('created_at').notNull(),
  startedAt: text('started_at'),
  finishedAt: text('finished_at')
}, (t) => [index('import_jobs_unfinished_ix').on(t.status)])

// Webhook subscriptions and their delivery attempts: as on SQLite (src/db/schema.ts says why
// each column is there; the secret sealed with the ID-number key).
export const webhooks = pgTable('webhooks', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  principal: text('principal').notNull(),
  agencyId: integer('agency_id').references(() => agencies.id),
  url: text('url').notNull(),
  events: jsonb('events').$type<string[]>().notNull(),
  description: text('description'),
  secret: bytea('secret').notNull(),
  active: boolean('active').notNull().default(true),
  failingSince: text('failing_since'),
  cursor: integer('cursor').notNull(),
  attempts: integer('attempts').notNull().default(0),
  firstFailureAt: text('first_failure_at'),
  nextAttemptAt: text('next_attempt_at'),
  leaseHolder: text('lease_holder'),
  leaseUntil: text('lease_until'),
  version: integer('version').notNull().default(1),
  createdAt: text('created_at').notNull(),
  updatedAt: text('updated_at')
}, (t) => [index('webhooks_principal_ix').on(t.principal, t.id)])

export const webhookDeliveries = pgTable('webhook_deliveries', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  webhookId: integer('webhook_id').notNull().references(() => webhooks.id),
  eventId: integer('event_id').notNull(),
  messageId: text('message_id').notNull(),
  eventType: text('event_type').notNull(),
  attempt: integer('attempt').notNull(),
  replay: flag('replay'),
  status: text('status', { enum: ['pending', 'delivered', 'failed'] }).notNull(),
  responseCode: integer('response_code'),
  error: text('error'),
  at: text('at').notNull(),
  durationMs: integer('duration_ms')
}, (t) => [index('webhook_deliveries_webhook_ix').on(t.webhookId, t.id), index('webhook_deliveries_event_ix').on(t.webhookId, t.eventId)])
