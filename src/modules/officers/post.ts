// What a registration says of a person's post: shared by both engines' repositories and the
// service (pure, so pg-repository.ts need not import repository.ts at run time).
import type { officers } from '../../db/schema.js'

/** A person's post as a registration gives it (NewOfficer but the ID number and the joining day). */
export type Post = Pick<typeof officers.$inferInsert, 'name' | 'agencyId' | 'employeeNo' | 'phone' | 'auxiliary' | 'police' | 'legalReviewer' | 'supervisor'>

/** What a registration says of a person's post, the fields left out at their defaults: what an
 *  insert stores, and what taking a person on again sets. */
export function postData (v: Post) {
  return {
    name: v.name,
    agencyId: v.agencyId,
    employeeNo: v.employeeNo ?? null,
    phone: v.phone ?? null,
    auxiliary: v.auxiliary ?? false,
    police: v.police ?? false,
    legalReviewer: v.legalReviewer ?? false,
    supervisor: v.supervisor ?? false
  }
}
