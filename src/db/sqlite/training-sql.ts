// The training repository's statements that read a JSON array of officer ids (db/sqlite/dialect
// idList: one statement for any number of officers), in SQLite's dialect.

/** Adds units to the year's totals of each officer in :ids (public law or professional). */
export const ADD_TO_TOTALS = `insert into training_totals (officer_id, year, public_law_units, professional_units)
    select value, :year, :publicLawUnits, :professionalUnits from json_each(:ids) where true
    on conflict (officer_id, year) do update set
      public_law_units = public_law_units + excluded.public_law_units,
      professional_units = professional_units + excluded.professional_units`

/** The departures and rejoins of those among :ids who were taken on again. */
export const SERVICE_MOVES_OF = `select officer_id as officerId, kind, date from officer_moves
      where officer_id in (select officer_id from officer_moves where kind = 'rejoin' and officer_id in (select value from json_each(:ids)))
        and kind in ('departure', 'rejoin')`

/** An attendance record per officer of :ids, in the array's order (one INSERT numbers its rows
 *  consecutively in the order it inserts them). */
export const INSERT_ATTENDANCES = `insert into training_records
        (officer_id, training_id, category, raw_hours, raw_minutes, rule, units, date, year, created_at)
      select value, :trainingId, :category, :rawHours, :rawMinutes, :rule, :units, :date, :year, :createdAt from json_each(:ids) order by key`
