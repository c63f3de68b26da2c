// Registering an officer in SQLite's dialect, as plain statements with positional values (run
// once per imported row: through the query builder, binding by name and mapping the row back
// cost three times what SQLite took to insert).

/** An officer's blind index, its values by position: officer, digest; replaced when it exists. */
export const INDEX_ID_NUMBER = 'insert into officer_id_index (officer_id, digest) values (?, ?) on conflict (officer_id) do update set digest = excluded.digest'

/** A new officer, its values by position (booleans as 0 or 1); answers its id, status, version
 *  and created_at. */
export const INSERT_OFFICER = `insert into officers (name, id_number, agency_id, employee_no, phone, joined_on, auxiliary, police, legal_reviewer, supervisor, created_at)
      values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning id, status, version, created_at as createdAt`
