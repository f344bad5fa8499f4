use std::sync::Arc;

use ferry_plugin_abi::ConnectorContextBox;

use crate::error::ConnectError;

/// The worker's services for a connector (Kafka's `ConnectorContext`).
#[derive(Clone)]
pub struct ConnectorContext {
    pub(crate) inner: Arc<ConnectorContextBox>,
}

impl ConnectorContext {
    /// Ask the worker to call `task_configs` again and restart the tasks if they changed (e.g.
    /// a table appeared).
    pub fn request_task_reconfiguration(&self) {
        self.inner.request_task_reconfiguration();
    }

    /// Fail the connector with `error`, from any thread.
    pub fn raise_error(&self, error: ConnectError) {
        self.inner.raise_error(error.into_ffi());
    }
}

impl std::fmt::Debug for ConnectorContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ConnectorContext")
    }
}
