//! A structural check of an ELF file before it is given to `dlopen`. glibc maps a truncated
//! shared library without complaint and the process dies of SIGBUS when the missing pages are
//! touched, so a file must prove it is whole before it is opened.

use std::path::Path;

const PT_LOAD: u64 = 1;
const PT_DYNAMIC: u64 = 2;

/// Why a file is not a usable ELF shared library for this machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ElfProblem {
    NotElf,
    OtherPlatform(String),
    Truncated(String),
}

fn u16_at(b: &[u8], off: usize) -> Option<u64> {
    Some(u64::from(u16::from_le_bytes(
        b.get(off..off + 2)?.try_into().ok()?,
    )))
}

fn u32_at(b: &[u8], off: usize) -> Option<u64> {
    Some(u64::from(u32::from_le_bytes(
        b.get(off..off + 4)?.try_into().ok()?,
    )))
}

fn u64_at(b: &[u8], off: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(off..off + 8)?.try_into().ok()?))
}

fn host_machine() -> Option<u64> {
    match std::env::consts::ARCH {
        "x86_64" => Some(62),
        "aarch64" => Some(183),
        _ => None,
    }
}

/// Check `bytes` (the whole file) is a little-endian 64-bit ELF shared object for this machine
/// whose headers and loadable segments all lie inside the file.
#[cfg(test)]
pub fn check_elf(bytes: &[u8]) -> Result<(), ElfProblem> {
    check_elf_parts(bytes.len() as u64, |offset, len| {
        let start = usize::try_from(offset).ok()?;
        bytes
            .get(start..start.checked_add(len)?)
            .map(<[u8]>::to_vec)
    })
    .map(|_| ())
}

/// [`check_elf`] reading only what it needs: the ELF header and the program header table (a few
/// hundred bytes), through `read(offset, len)`, against the file's length `len`. Plugins are
/// tens of megabytes; reading them whole would dominate start-up.
///
/// Returns the length of the file's *image*: where the last byte any program header covers
/// ends. What follows (debug information, the section headers) is never mapped by `dlopen`.
fn check_elf_parts(
    len: u64,
    read: impl Fn(u64, usize) -> Option<Vec<u8>>,
) -> Result<u64, ElfProblem> {
    let Some(head) = read(0, 64).filter(|h| h.len() == 64) else {
        let magic = read(0, 4).is_some_and(|m| m == b"\x7fELF");
        return Err(if magic {
            ElfProblem::Truncated("ELF header".into())
        } else {
            ElfProblem::NotElf
        });
    };
    let bytes = &head[..];
    if &bytes[..4] != b"\x7fELF" {
        return Err(ElfProblem::NotElf);
    }
    if bytes[4] != 2 || bytes[5] != 1 {
        return Err(ElfProblem::OtherPlatform(
            "not a little-endian 64-bit ELF file".into(),
        ));
    }
    let truncated = |what: &str| ElfProblem::Truncated(what.to_owned());
    let e_type = u16_at(bytes, 16).ok_or_else(|| truncated("ELF header"))?;
    if e_type != 3 {
        return Err(ElfProblem::OtherPlatform(format!(
            "ELF type {e_type} is not a shared object"
        )));
    }
    let machine = u16_at(bytes, 18).ok_or_else(|| truncated("ELF header"))?;
    if host_machine().is_some_and(|m| m != machine) {
        return Err(ElfProblem::OtherPlatform(format!(
            "built for ELF machine {machine}, this is {}",
            std::env::consts::ARCH
        )));
    }
    let phoff = u64_at(bytes, 32).ok_or_else(|| truncated("ELF header"))?;
    let shoff = u64_at(bytes, 40).ok_or_else(|| truncated("ELF header"))?;
    let phentsize = u16_at(bytes, 54).ok_or_else(|| truncated("ELF header"))?;
    let phnum = u16_at(bytes, 56).ok_or_else(|| truncated("ELF header"))?;
    let shentsize = u16_at(bytes, 58).ok_or_else(|| truncated("ELF header"))?;
    let shnum = u16_at(bytes, 60).ok_or_else(|| truncated("ELF header"))?;
    if phoff.saturating_add(phentsize * phnum) > len {
        return Err(truncated("program headers extend past the end of the file"));
    }
    if shoff != 0 && shoff.saturating_add(shentsize * shnum) > len {
        return Err(truncated("section headers extend past the end of the file"));
    }
    let table = read(phoff, (phentsize * phnum) as usize)
        .filter(|t| t.len() as u64 == phentsize * phnum)
        .ok_or_else(|| truncated("program headers"))?;
    let mut image = (phoff + phentsize * phnum).max(64);
    for i in 0..phnum {
        let ph = (i * phentsize) as usize;
        let p_type = u32_at(&table, ph).ok_or_else(|| truncated("program header"))?;
        let offset = u64_at(&table, ph + 8).ok_or_else(|| truncated("program header"))?;
        let filesz = u64_at(&table, ph + 32).ok_or_else(|| truncated("program header"))?;
        let end = offset.saturating_add(filesz);
        if end > len {
            if p_type != PT_LOAD && p_type != PT_DYNAMIC {
                return Err(truncated(&format!(
                    "program header {i} extends past the end of the file"
                )));
            }
            return Err(truncated(&format!(
                "segment {i} extends past the end of the file"
            )));
        }
        image = image.max(end);
    }
    Ok(image)
}

/// [`check_elf`] on a file, reading only its headers; the length of its image (see
/// [`check_elf_parts`]).
pub fn check_elf_file(path: &Path) -> Result<u64, ElfProblem> {
    use std::os::unix::fs::FileExt;
    let cannot = |e: std::io::Error| ElfProblem::Truncated(format!("cannot read it: {e}"));
    let file = std::fs::File::open(path).map_err(cannot)?;
    let len = file.metadata().map_err(cannot)?.len();
    check_elf_parts(len, |offset, n| {
        let n = usize::try_from((len.checked_sub(offset)?).min(n as u64)).ok()?;
        let mut buf = vec![0; n];
        file.read_exact_at(&mut buf, offset).ok()?;
        Some(buf)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn this_executable() -> Vec<u8> {
        std::fs::read(std::env::current_exe().unwrap()).unwrap()
    }

    #[test]
    fn refuses_text_and_truncations() {
        assert_eq!(check_elf(b"hello"), Err(ElfProblem::NotElf));
        let mut exe = this_executable();
        // Test executables are position-independent executables (type 3), like shared objects.
        if u16_at(&exe, 16) == Some(3) {
            assert_eq!(check_elf(&exe), Ok(()));
        }
        exe[16] = 3;
        for cut in [64, 4096, exe.len() / 2, exe.len() - 1] {
            assert!(
                matches!(check_elf(&exe[..cut]), Err(ElfProblem::Truncated(_))),
                "cut at {cut}"
            );
        }
        exe[5] = 2;
        assert!(matches!(check_elf(&exe), Err(ElfProblem::OtherPlatform(_))));
    }
}
