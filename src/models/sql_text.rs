//! Domain enums stored as SQL text, on both backends.
//!
//! `sql_text_enum!(DeveloperStatus)` lets a row field, an insert and a filter hold the
//! enum itself (`developers::status.eq(DeveloperStatus::Approved)`), while the column stays
//! TEXT and keeps the very strings it held before. The enum provides `as_str(self)` and
//! `FromStr`; the domain module that defines it knows nothing of diesel. A stored value the
//! enum doesn't know is a deserialisation error (the query fails), never a panic.

/// Maps SQL `Text` (and `Nullable<Text>`) to enums with `as_str(self) -> &'static str` and
/// `FromStr<Err: Display>`; `sql_text_enum!(display: T)` maps a type that carries data (so
/// has no `&'static str` form, e.g. `EventOutcome`) through its `Display` text instead.
macro_rules! sql_text_enum {
    (display: $($ty:ty),+ $(,)?) => {
        $( $crate::models::sql_text::sql_text_enum!(@impl $ty, to_string); )+
    };
    (@impl $ty:ty, $text:ident) => {
            const _: () = {
                use std::io::Write;

                use diesel::backend::Backend;
                use diesel::deserialize::{self, FromSql};
                use diesel::pg::Pg;
                use diesel::serialize::{self, IsNull, Output, ToSql};
                use diesel::sql_types::Text;
                use diesel::sqlite::Sqlite;

                use $crate::db::MultiBackend;

                /// Carries diesel's derives over to the enum (`foreign_derive`):
                /// `AsExpression<Text>` (plain, nullable, by reference) and `FromSqlRow`.
                #[derive(diesel::AsExpression, diesel::FromSqlRow)]
                #[diesel(foreign_derive, sql_type = Text)]
                #[allow(dead_code)]
                struct Proxy($ty);

                impl ToSql<Text, Sqlite> for $ty {
                    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
                        out.set_value(self.$text());
                        Ok(IsNull::No)
                    }
                }

                impl ToSql<Text, Pg> for $ty {
                    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
                        out.write_all(self.$text().as_bytes())?;
                        Ok(IsNull::No)
                    }
                }

                impl ToSql<Text, MultiBackend> for $ty {
                    fn to_sql<'b>(
                        &'b self,
                        out: &mut Output<'b, '_, MultiBackend>,
                    ) -> serialize::Result {
                        out.set_value((Text, self));
                        Ok(IsNull::No)
                    }
                }

                impl<DB> FromSql<Text, DB> for $ty
                where
                    DB: Backend,
                    String: FromSql<Text, DB>,
                {
                    fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
                        let text = <String as FromSql<Text, DB>>::from_sql(bytes)?;
                        text.parse::<$ty>().map_err(|e| {
                            format!(
                                "stored {} `{text}` is not known: {e}",
                                stringify!($ty)
                            )
                            .into()
                        })
                    }
                }
            };
    };
    ($($ty:ty),+ $(,)?) => {
        $( $crate::models::sql_text::sql_text_enum!(@impl $ty, as_str); )+
    };
}

pub(crate) use sql_text_enum;

#[cfg(test)]
mod tests {
    use diesel::prelude::*;
    use diesel::sql_types::{Nullable, Text};

    use crate::domain::Role;

    #[test]
    fn enums_round_trip_through_sqlite_text_and_unknown_text_is_an_error() {
        let mut conn = SqliteConnection::establish(":memory:").unwrap();
        let role: Role = diesel::select(Role::Admin.into_sql::<Text>())
            .get_result(&mut conn)
            .unwrap();
        assert_eq!(role, Role::Admin);
        let stored: String = diesel::select(Role::Company.into_sql::<Text>())
            .get_result(&mut conn)
            .unwrap();
        assert_eq!(stored, "company");
        let none: Option<Role> = diesel::select(None::<Role>.into_sql::<Nullable<Text>>())
            .get_result(&mut conn)
            .unwrap();
        assert_eq!(none, None);
        let unknown = diesel::select("superuser".into_sql::<Text>()).get_result::<Role>(&mut conn);
        let Err(diesel::result::Error::DeserializationError(error)) = unknown else {
            panic!("expected a deserialisation error, got {unknown:?}");
        };
        let mut message = error.to_string();
        let mut source = error.source();
        while let Some(e) = source {
            message.push_str(&format!(": {e}"));
            source = e.source();
        }
        assert!(message.contains("superuser"), "{message}");
    }

    /// Every value is stored as its text and read back; any other text is an error.
    macro_rules! round_trips {
        ($conn:expr, $ty:ty, $all:expr, $stored:expr) => {
            for value in $all {
                let text: String = diesel::select(value.clone().into_sql::<Text>())
                    .get_result($conn)
                    .unwrap();
                assert_eq!(text, $stored(&value));
                let back: $ty = diesel::select(text.as_str().into_sql::<Text>())
                    .get_result($conn)
                    .unwrap();
                assert_eq!(back, value);
            }
            let unknown =
                diesel::select("no_such_state".into_sql::<Text>()).get_result::<$ty>($conn);
            assert!(
                matches!(unknown, Err(diesel::result::Error::DeserializationError(_))),
                "{unknown:?}"
            );
        };
    }

    #[test]
    fn billing_states_round_trip_through_sqlite_text() {
        use crate::domain::{
            Commitment, EngagementStatus, EventOutcome, InvoiceStatus, Level, SubscriptionStatus,
        };
        let mut conn = SqliteConnection::establish(":memory:").unwrap();
        let conn = &mut conn;
        round_trips!(
            conn,
            EngagementStatus,
            EngagementStatus::ALL,
            |s: &EngagementStatus| s.as_str()
        );
        round_trips!(
            conn,
            SubscriptionStatus,
            SubscriptionStatus::ALL,
            |s: &SubscriptionStatus| s.as_str()
        );
        round_trips!(
            conn,
            InvoiceStatus,
            InvoiceStatus::ALL,
            |s: &InvoiceStatus| s.as_str()
        );
        round_trips!(conn, Level, Level::ALL, |s: &Level| s.as_str());
        round_trips!(conn, Commitment, Commitment::ALL, |s: &Commitment| s
            .as_str());
        round_trips!(
            conn,
            EventOutcome,
            [
                EventOutcome::Applied,
                EventOutcome::Ignored("subscription is paused".into()),
                EventOutcome::Refused("a second checkout completed".into()),
            ],
            |s: &EventOutcome| s.to_string()
        );
    }
}
