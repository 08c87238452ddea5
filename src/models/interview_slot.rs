use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::schema::interview_slots;

#[derive(Debug, Clone, Queryable, Identifiable)]
#[diesel(table_name = interview_slots)]
pub struct InterviewSlotRow {
    pub id: i32,
    pub interview_id: i32,
    pub starts_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = interview_slots)]
pub struct NewInterviewSlot {
    pub interview_id: i32,
    pub starts_at: NaiveDateTime,
}

/// Replaces the interview's proposed slots.
pub fn replace(conn: &mut DbConn, interview_id: i32, starts: &[NaiveDateTime]) -> QueryResult<()> {
    diesel::delete(interview_slots::table.filter(interview_slots::interview_id.eq(interview_id)))
        .execute(conn)?;
    for s in starts {
        diesel::insert_into(interview_slots::table)
            .values(&NewInterviewSlot {
                interview_id,
                starts_at: *s,
            })
            .execute(conn)?;
    }
    Ok(())
}

/// Earliest first.
pub fn for_interview(conn: &mut DbConn, interview_id: i32) -> QueryResult<Vec<InterviewSlotRow>> {
    interview_slots::table
        .filter(interview_slots::interview_id.eq(interview_id))
        .order(interview_slots::starts_at.asc())
        .load(conn)
}
