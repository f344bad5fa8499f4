use abi_stable::std_types::RString;
use abi_stable::StableAbi;

/// What kind of failure an [`FfiError`] reports. An open set: new kinds are new constants, and
/// an unknown kind must be treated as [`ErrorKind::GENERIC`].
#[repr(transparent)]
#[derive(StableAbi, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ErrorKind(pub u32);

impl ErrorKind {
    /// Any failure (Kafka's `ConnectException`).
    pub const GENERIC: ErrorKind = ErrorKind(0);
    /// Invalid configuration (`ConfigException`).
    pub const CONFIG: ErrorKind = ErrorKind(1);
    /// A value that cannot be encoded or decoded (`DataException`).
    pub const DATA: ErrorKind = ErrorKind(2);
    /// The plugin panicked; the message is the panic payload.
    pub const PANIC: ErrorKind = ErrorKind(3);
    /// The plugin does not support the operation (`UnsupportedOperationException`).
    pub const UNSUPPORTED: ErrorKind = ErrorKind(4);
    /// The class asked for is not exported by this library.
    pub const UNKNOWN_CLASS: ErrorKind = ErrorKind(5);
}

/// An error crossing the boundary as a value. Nothing unwinds across the ABI.
#[repr(C)]
#[derive(StableAbi, Clone, Debug, PartialEq)]
pub struct FfiError {
    pub kind: ErrorKind,
    /// Kafka's `RetriableException`: the same call may succeed later.
    pub retriable: bool,
    pub message: RString,
    /// Causes and context, one per line, outermost first (Kafka's stack trace slot).
    pub trace: RString,
}

impl FfiError {
    pub fn new(kind: ErrorKind, message: impl Into<RString>) -> FfiError {
        FfiError {
            kind,
            retriable: false,
            message: message.into(),
            trace: RString::new(),
        }
    }
}
