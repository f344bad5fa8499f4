//! Opening a library's root module so that libraries of an older minor load:
//! abi_stable's `init_root_module` refuses a prefix type with fewer fields than the worker's,
//! so the layout is checked here, against [`PluginMod`] and then against ABI 1.0's
//! ([`crate::v1_0::PluginMod`]).

use abi_stable::abi_stability::abi_checking::check_layout_compatibility;
use abi_stable::library::{LibHeader, LibraryError};
use abi_stable::StableAbi;

use crate::root::PluginMod_Ref;

/// A root module whose layout was checked.
pub struct CheckedRoot {
    /// The module; fields the library lacks read as `None`.
    pub module: PluginMod_Ref,
    /// `Some(why)` when only ABI 1.0's layout matched: the library must then say it is ABI
    /// 1.0 (`LibraryInfo::abi_minor == 0`), else it is refused for `why`.
    pub only_v1_0: Option<String>,
}

/// Why a root module could not be opened.
#[derive(Debug)]
pub enum RootError {
    /// The layout matches neither this ABI's nor ABI 1.0's.
    Layout(String),
    /// abi_stable's version check, or the module's constructor, failed.
    Library(LibraryError),
}

/// Check the layout of the library's root module and initialise it (abi_stable's
/// `init_root_module`, accepting ABI 1.0 libraries). A library built without layout
/// information is taken as abi_stable takes it.
pub fn init_root_module(header: &LibHeader) -> Result<CheckedRoot, RootError> {
    let mut only_v1_0 = None;
    if let Some(layout) = header.layout() {
        if let Err(full) = check_layout_compatibility(<PluginMod_Ref as StableAbi>::LAYOUT, layout)
        {
            let v1_0 = <crate::v1_0::PluginMod_Ref as StableAbi>::LAYOUT;
            if check_layout_compatibility(v1_0, layout).is_err() {
                return Err(RootError::Layout(full.to_string()));
            }
            only_v1_0 = Some(full.to_string());
        }
    }
    // SAFETY: the layout was checked above against this ABI's root module, or against ABI
    // 1.0's, which is a prefix of it: the library's own prefix metadata then marks the later
    // fields absent and their accessors return `None`.
    let module = unsafe { header.init_root_module_with_unchecked_layout::<PluginMod_Ref>() }
        .map_err(RootError::Library)?;
    Ok(CheckedRoot { module, only_v1_0 })
}
