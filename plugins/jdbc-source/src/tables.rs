//! Table identities, the table filters and the split of tables over tasks.

use std::fmt;

use crate::settings::TableFilter;

/// A table: optional catalog and schema, and its name (Confluent's `TableId`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TableId {
    pub catalog: Option<String>,
    pub schema: Option<String>,
    pub name: String,
}

impl TableId {
    /// A table without catalog or schema.
    pub fn bare(name: impl Into<String>) -> TableId {
        TableId {
            catalog: None,
            schema: None,
            name: name.into(),
        }
    }

    /// Parse an unquoted FQN as written in the task config (`catalog.schema.name` is not
    /// ambiguous because each dialect uses at most two parts).
    pub fn parse(fqn: &str, two_part_is_catalog: bool) -> TableId {
        match fqn.split_once('.') {
            Some((a, b)) if two_part_is_catalog => TableId {
                catalog: Some(a.to_owned()),
                schema: None,
                name: b.to_owned(),
            },
            Some((a, b)) => TableId {
                catalog: None,
                schema: Some(a.to_owned()),
                name: b.to_owned(),
            },
            None => TableId::bare(fqn),
        }
    }

    /// The FQN without quotes, e.g. `public.accounts` or `accounts`: the `table` of the
    /// source partition.
    pub fn fqn(&self) -> String {
        let mut s = String::new();
        for part in [&self.catalog, &self.schema].into_iter().flatten() {
            s.push_str(part);
            s.push('.');
        }
        s.push_str(&self.name);
        s
    }

    /// The FQN with each part quoted with `q` (or bare when `q` is `None`).
    pub fn quoted(&self, q: Option<char>) -> String {
        let parts: Vec<&String> = [&self.catalog, &self.schema]
            .into_iter()
            .flatten()
            .chain(std::iter::once(&self.name))
            .collect();
        parts
            .into_iter()
            .map(|p| quote(p, q))
            .collect::<Vec<_>>()
            .join(".")
    }
}

impl fmt::Display for TableId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.fqn())
    }
}

/// `ident` quoted with `q` (doubling embedded quotes), or unchanged.
pub fn quote(ident: &str, q: Option<char>) -> String {
    match q {
        Some(q) => {
            let doubled = ident.replace(q, &format!("{q}{q}"));
            format!("{q}{doubled}{q}")
        }
        None => ident.to_owned(),
    }
}

impl TableFilter {
    fn legacy_match(list: &[String], t: &TableId, q: Option<char>) -> bool {
        list.iter()
            .any(|e| *e == t.fqn() || *e == t.name || Some(e.as_str()) == Some(&t.quoted(q)))
    }

    /// Whether `t` passes the whitelist/blacklist or include/exclude lists.
    pub fn accepts(&self, t: &TableId, q: Option<char>) -> bool {
        if !self.whitelist.is_empty() {
            return Self::legacy_match(&self.whitelist, t, q);
        }
        if !self.blacklist.is_empty() {
            return !Self::legacy_match(&self.blacklist, t, q);
        }
        if !self.include.is_empty() {
            let fqn = t.fqn();
            return self.include.iter().any(|r| r.is_match(&fqn))
                && !self.exclude.iter().any(|r| r.is_match(&fqn));
        }
        true
    }
}

/// Kafka's `ConnectorUtils.groupPartitions`: `n` contiguous groups, the first
/// `len % n` of them one longer.
pub fn group<T: Clone>(items: &[T], n: usize) -> Vec<Vec<T>> {
    let n = n.clamp(1, items.len().max(1));
    let per = items.len() / n;
    let extra = items.len() % n;
    let mut out = Vec::with_capacity(n);
    let mut start = 0;
    for i in 0..n {
        let len = per + usize::from(i < extra);
        out.push(items[start..start + len].to_vec());
        start += len;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_are_contiguous_and_balanced() {
        let g = group(&[1, 2, 3, 4, 5], 2);
        assert_eq!(g, vec![vec![1, 2, 3], vec![4, 5]]);
        assert_eq!(group(&[1, 2], 5), vec![vec![1], vec![2]]);
    }

    #[test]
    fn fqn_and_quoting() {
        let t = TableId::parse("public.accounts", false);
        assert_eq!(t.fqn(), "public.accounts");
        assert_eq!(t.quoted(Some('"')), "\"public\".\"accounts\"");
        assert_eq!(quote("a`b", Some('`')), "`a``b`");
    }
}
