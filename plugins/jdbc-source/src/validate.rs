//! `Connector.validate` beyond the ConfigDef: the database is reachable with these
//! credentials, the listed tables exist and their incrementing/timestamp columns fit the mode,
//! and the database supports `transaction.isolation.mode`.

use ferry_plugin_sdk::prelude::*;

use crate::config::*;
use crate::dialect::{self, ReadOptions};
use crate::isolation;
use crate::settings::Settings;
use crate::setup;

fn add(values: &mut [ConfigValue], key: &str, message: String) {
    if let Some(v) = values.iter_mut().find(|v| v.name == key) {
        v.add_error(message);
    }
}

/// The key a configuration error is about (the first key named in the message).
fn key_of(message: &str) -> &'static str {
    const KEYS: [&str; 13] = [
        TIMESTAMP_COLUMN_NAME,
        INCREMENTING_COLUMN_NAME,
        TABLE_WHITELIST,
        TABLE_BLACKLIST,
        TABLE_INCLUDE_LIST,
        TABLE_EXCLUDE_LIST,
        QUERY,
        KEY_COLUMNS,
        TOPIC_PREFIX,
        DB_TIMEZONE,
        TRANSACTION_ISOLATION_MODE,
        MODE,
        CONNECTION_URL,
    ];
    KEYS.into_iter()
        .filter_map(|k| {
            message
                .match_indices(k)
                .map(|(i, _)| i)
                .find(|&i| {
                    let after = message[i + k.len()..].chars().next();
                    !after.is_some_and(|c| c.is_alphanumeric() || c == '.' || c == '_')
                })
                .map(|i| (i, k))
        })
        .min()
        .map_or(CONNECTION_URL, |(_, k)| k)
}

/// Validate `config`, connecting to the database once.
pub fn validate(config: &ConfigMap) -> Vec<ConfigValue> {
    let mut values = config_def().validate(config);
    if values.iter().any(ConfigValue::has_errors) {
        return values;
    }
    let s = match Settings::parse(config) {
        Ok(s) => s,
        Err(e) => {
            let m = e.to_string();
            add(&mut values, key_of(&m), m);
            return values;
        }
    };
    // Confluent's validateMultiConfigs: checked before connecting, and stops validation.
    let db = isolation::Database::of(&s.connection.url);
    if let Some(m) = s.connection.isolation.refusal(db) {
        add(&mut values, TRANSACTION_ISOLATION_MODE, m);
        return values;
    }
    let mut conn = s.connection.clone();
    conn.attempts = 1;
    let mut db = match dialect::connect(&conn, &s.tz, &|_| true) {
        Ok(db) => db,
        Err(e) => {
            let m = e.to_string();
            let lower = m.to_ascii_lowercase();
            let key = if lower.contains("password")
                || lower.contains("authentication")
                || lower.contains("access denied")
            {
                CONNECTION_PASSWORD
            } else if lower.contains(DB_TIMEZONE) {
                DB_TIMEZONE
            } else {
                CONNECTION_URL
            };
            add(&mut values, key, m);
            return values;
        }
    };
    if s.query.is_some() {
        return values;
    }
    let tables = match db.list_tables(&s.filter) {
        Ok(t) => t,
        Err(e) => {
            add(&mut values, CONNECTION_URL, e.to_string());
            return values;
        }
    };
    for wanted in &s.filter.whitelist {
        if !tables
            .iter()
            .any(|t| t.fqn() == *wanted || t.name == *wanted)
        {
            add(
                &mut values,
                TABLE_WHITELIST,
                format!("table {wanted} not found (or not of a type in table.types)"),
            );
        }
    }
    let opts = ReadOptions {
        numeric: s.numeric_mapping,
        tz: s.tz.clone(),
        batch: 1,
    };
    for t in &tables {
        let cols = match db.columns(t, &opts) {
            Ok(c) => c,
            Err(e) => {
                add(&mut values, CONNECTION_URL, e.to_string());
                continue;
            }
        };
        if let Err(e) = setup::incrementing(&s, t, &cols) {
            add(&mut values, INCREMENTING_COLUMN_NAME, e.to_string());
        }
        if let Err(e) = setup::check_timestamps(&s, t, &cols) {
            add(&mut values, TIMESTAMP_COLUMN_NAME, e.to_string());
        }
    }
    values
}
