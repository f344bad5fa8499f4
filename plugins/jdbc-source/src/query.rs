//! The SQL text of each mode (Confluent's `TimestampIncrementingCriteria`), with the user's
//! `query` wrapped as a sub-select so that it may carry its own WHERE/ORDER BY.

use crate::offsets::Origin;
use crate::settings::Mode;
use crate::tables::quote;
use crate::temporal::Instant;

/// A bound parameter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Param {
    Int(i64),
    Timestamp(Instant),
}

/// A statement and its parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub sql: String,
    pub params: Vec<Param>,
}

/// What the SQL builder needs to know about the dialect and the mode.
#[derive(Debug, Clone)]
pub struct Criteria<'a> {
    pub mode: Mode,
    /// Identifier quote, `None` with `quote.sql.identifiers=never`.
    pub quote: Option<char>,
    /// Placeholder text of the n-th (1-based) parameter: `?` or `$n`.
    pub placeholder: fn(usize) -> String,
    pub incrementing: Option<&'a str>,
    pub timestamps: &'a [String],
    /// How a timestamp expression is compared with a bound value (`{}` = the expression).
    pub ts_template: &'a str,
    pub suffix: Option<&'a str>,
}

/// Alias of the wrapped user query.
const SUBQUERY_ALIAS: &str = "ferry_query";

impl Criteria<'_> {
    fn column(&self, prefix: &str, col: &str) -> String {
        format!("{prefix}{}", quote(col, self.quote))
    }

    fn ts_expr(&self, prefix: &str) -> String {
        match self.timestamps {
            [one] => self.column(prefix, one),
            many => {
                let cols: Vec<String> = many.iter().map(|c| self.column(prefix, c)).collect();
                format!("COALESCE({})", cols.join(","))
            }
        }
    }

    /// The statement for `origin` resuming after `last_inc`/`begin`, up to `end`.
    pub fn statement(
        &self,
        origin: &Origin,
        last_inc: i64,
        begin: Instant,
        end: Instant,
    ) -> Statement {
        let (from, prefix) = match origin {
            Origin::Table(t) => {
                let q = t.quoted(self.quote);
                (q.clone(), format!("{q}."))
            }
            Origin::Query(sql) => (
                format!("({}) {SUBQUERY_ALIAS}", sql.trim().trim_end_matches(';')),
                String::new(),
            ),
        };
        let mut sql = format!("SELECT * FROM {from}");
        let ph = self.placeholder;
        let inc = self
            .incrementing
            .map(|c| self.column(&prefix, c))
            .unwrap_or_default();
        let order_ts = if self.mode.uses_timestamp() {
            self.ts_expr(&prefix)
        } else {
            String::new()
        };
        let ts = self.ts_template.replace("{}", &order_ts);
        let params = match self.mode {
            Mode::Bulk => Vec::new(),
            Mode::Incrementing => {
                sql.push_str(&format!(" WHERE {inc} > {} ORDER BY {inc} ASC", ph(1)));
                vec![Param::Int(last_inc)]
            }
            Mode::Timestamp => {
                sql.push_str(&format!(
                    " WHERE {ts} > {} AND {ts} < {} ORDER BY {order_ts} ASC",
                    ph(1),
                    ph(2)
                ));
                vec![Param::Timestamp(begin), Param::Timestamp(end)]
            }
            Mode::TimestampIncrementing => {
                sql.push_str(&format!(
                    " WHERE {ts} < {} AND (({ts} = {} AND {inc} > {}) OR {ts} > {}) ORDER BY {order_ts},{inc} ASC",
                    ph(1), ph(2), ph(3), ph(4)
                ));
                vec![
                    Param::Timestamp(end),
                    Param::Timestamp(begin),
                    Param::Int(last_inc),
                    Param::Timestamp(begin),
                ]
            }
        };
        if let Some(s) = self.suffix {
            sql.push(' ');
            sql.push_str(s);
        }
        Statement { sql, params }
    }
}

/// `?` placeholders (SQLite, MySQL).
pub fn question_mark(_: usize) -> String {
    "?".to_owned()
}

/// `$n` placeholders (PostgreSQL).
pub fn dollar(n: usize) -> String {
    format!("${n}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tables::TableId;

    fn criteria(mode: Mode, ts: &[String]) -> Criteria<'_> {
        Criteria {
            mode,
            quote: Some('"'),
            placeholder: question_mark,
            incrementing: Some("id"),
            timestamps: ts,
            ts_template: "{}",
            suffix: None,
        }
    }

    #[test]
    fn sql_matches_confluent() {
        let t = Origin::Table(TableId::bare("accounts"));
        let z = Instant::default();
        let s = criteria(Mode::Incrementing, &[]).statement(&t, -1, z, z);
        assert_eq!(
            s.sql,
            r#"SELECT * FROM "accounts" WHERE "accounts"."id" > ? ORDER BY "accounts"."id" ASC"#
        );
        assert_eq!(s.params, vec![Param::Int(-1)]);
        let ts = vec!["modified".to_owned()];
        let s = criteria(Mode::TimestampIncrementing, &ts).statement(&t, 5, z, z);
        assert_eq!(
            s.sql,
            r#"SELECT * FROM "accounts" WHERE "accounts"."modified" < ? AND (("accounts"."modified" = ? AND "accounts"."id" > ?) OR "accounts"."modified" > ?) ORDER BY "accounts"."modified","accounts"."id" ASC"#
        );
        let two = vec!["a".to_owned(), "b".to_owned()];
        let s = criteria(Mode::Timestamp, &two).statement(&t, 0, z, z);
        assert!(
            s.sql
                .contains(r#"COALESCE("accounts"."a","accounts"."b") > ?"#),
            "{}",
            s.sql
        );
        let q = Origin::Query("SELECT * FROM x WHERE y = 1 ORDER BY z;".into());
        let s = criteria(Mode::Incrementing, &[]).statement(&q, 0, z, z);
        assert_eq!(
            s.sql,
            r#"SELECT * FROM (SELECT * FROM x WHERE y = 1 ORDER BY z) ferry_query WHERE "id" > ? ORDER BY "id" ASC"#
        );
    }
}
