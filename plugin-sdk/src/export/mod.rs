//! How a plugin library is exported: the [`export_plugin!`](crate::export_plugin) macro, the
//! registry of classes it generates, and the root-module functions the worker calls.

pub(crate) mod defaults;
pub(crate) mod guard;
pub(crate) mod json;
pub(crate) mod log;
mod root;
pub(crate) mod shims;
pub(crate) mod transform_shims;

pub use root::{root_module, Entry, Registry};

/// The symbol abi_stable's loader looks for. Must equal
/// `abi_stable::library::ROOT_MODULE_LOADER_NAME` (checked by a test).
pub const ROOT_MODULE_SYMBOL: &str = "_1as_0lib_1header_0root_bmodule_bloader";

/// Export the connector classes of this library. Put it once at the root of a `cdylib` crate:
///
/// ```ignore
/// ferry_plugin_sdk::export_plugin! {
///     sources: [MySourceConnector],
///     sinks: [MySinkConnector],
///     transformations: [MyTransformation],
///     predicates: [MyPredicate],
/// }
/// ```
///
/// Every list is optional; `transformations` and `predicates` need a worker of ABI 1.1.
#[macro_export]
macro_rules! export_plugin {
    ($($kind:ident : [$($ty:ty),* $(,)?]),* $(,)?) => {
        $crate::export_plugin!(@abi_minor $crate::__private::ABI_MINOR; $($kind: [$($ty),*]),*);
    };
    (@abi_minor $minor:expr; $($kind:ident : [$($ty:ty),* $(,)?]),* $(,)?) => {
        #[doc(hidden)]
        pub struct __FerryRegistry;

        impl $crate::__private::Registry for __FerryRegistry {
            const ABI_MINOR: u16 = $minor;
            fn entries() -> &'static [$crate::__private::Entry] {
                static ENTRIES: ::std::sync::OnceLock<::std::vec::Vec<$crate::__private::Entry>> =
                    ::std::sync::OnceLock::new();
                ENTRIES.get_or_init(|| ::std::vec![$($($crate::__private::Entry::$kind::<$ty>()),*),*])
            }
        }

        /// The library header abi_stable's loader reads (what `#[export_root_module]` emits,
        /// spelled with paths through this SDK so authors need no abi_stable dependency).
        #[doc(hidden)]
        #[allow(unsafe_code)]
        #[unsafe(export_name = "_1as_0lib_1header_0root_bmodule_bloader")]
        pub static __FERRY_LIB_HEADER: $crate::__private::LibHeader = {
            extern "C" fn __ferry_root_module() -> $crate::__private::RootModuleResult {
                $crate::__private::call_root_module_loader(
                    $crate::__private::root_module::<__FerryRegistry>,
                )
            }
            // SAFETY: the constructor returns the `PluginMod_Ref` named in the type argument.
            unsafe {
                $crate::__private::LibHeader::from_constructor::<$crate::__private::PluginMod_Ref>(
                    __ferry_root_module,
                    $crate::__private::CheckTypeLayout::Yes,
                )
            }
        };
    };
}
