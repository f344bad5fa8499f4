//! The built-in predicates.

pub(crate) mod has_header_key;
pub(crate) mod record_is_tombstone;
pub(crate) mod topic_name_matches;
