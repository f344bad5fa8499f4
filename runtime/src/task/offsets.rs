//! Source offsets: where they are stored.

/// Where source offsets live: the standalone offsets file, or the offsets topic.
/// Partitions and offsets are JSON object text.
pub trait OffsetStore: Send + Sync {
    /// The offsets stored for `partitions` of `connector`, in the same order.
    fn get(&self, connector: &str, partitions: &[String]) -> Vec<Option<String>>;
    /// Store offsets (`None` deletes one) and make them durable before returning.
    fn put(&self, connector: &str, offsets: &[(String, Option<String>)]) -> Result<(), String>;
    /// Every stored partition and offset of `connector`.
    fn list(&self, connector: &str) -> Vec<(String, String)>;
}
