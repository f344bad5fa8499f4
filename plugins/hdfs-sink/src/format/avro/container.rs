//! Avro object container files: `Obj\x01`, the metadata map (`avro.schema`, `avro.codec`), a
//! 16-byte sync marker, then blocks of (count, size, data, sync), compressed per the codec
//! (`null`, `deflate` = raw DEFLATE, `snappy` = raw snappy + big-endian CRC-32 of the input).

use std::io::Write;

use crate::format::FormatError;

use super::encode::{write_bytes, write_long};

/// Blocks are written once they hold this many bytes (Java's default sync interval).
const BLOCK_BYTES: usize = 64_000;

/// An Avro block codec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Codec {
    Null,
    Deflate,
    Snappy,
}

impl Codec {
    pub fn from_name(name: &str) -> Result<Codec, FormatError> {
        match name {
            "null" | "" => Ok(Codec::Null),
            "deflate" => Ok(Codec::Deflate),
            "snappy" => Ok(Codec::Snappy),
            other => Err(FormatError::Config(format!(
                "unsupported avro.codec '{other}'"
            ))),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Codec::Null => "null",
            Codec::Deflate => "deflate",
            Codec::Snappy => "snappy",
        }
    }

    fn compress(self, data: &[u8]) -> Result<Vec<u8>, FormatError> {
        match self {
            Codec::Null => Ok(data.to_vec()),
            Codec::Deflate => Ok(miniz_oxide::deflate::compress_to_vec(data, 6)),
            Codec::Snappy => {
                let mut out = snap::raw::Encoder::new()
                    .compress_vec(data)
                    .map_err(|e| FormatError::Data(format!("snappy: {e}")))?;
                out.extend_from_slice(&crc32fast::hash(data).to_be_bytes());
                Ok(out)
            }
        }
    }
}

/// Writes a container file to `W`, one encoded datum at a time.
pub struct ContainerWriter<W: Write> {
    out: W,
    codec: Codec,
    sync: [u8; 16],
    block: Vec<u8>,
    count: i64,
}

impl<W: Write> ContainerWriter<W> {
    /// Write the header.
    pub fn new(mut out: W, schema_json: &str, codec: Codec) -> Result<Self, FormatError> {
        let sync = sync_marker();
        let mut header = b"Obj\x01".to_vec();
        write_long(&mut header, 2);
        write_bytes(&mut header, b"avro.schema");
        write_bytes(&mut header, schema_json.as_bytes());
        write_bytes(&mut header, b"avro.codec");
        write_bytes(&mut header, codec.name().as_bytes());
        write_long(&mut header, 0);
        header.extend_from_slice(&sync);
        out.write_all(&header)?;
        Ok(ContainerWriter {
            out,
            codec,
            sync,
            block: Vec::with_capacity(BLOCK_BYTES + 1024),
            count: 0,
        })
    }

    /// The buffer the next datum is encoded into; call [`Self::datum_written`] after.
    pub fn buffer(&mut self) -> &mut Vec<u8> {
        &mut self.block
    }

    /// Restore the buffer to `len` (a datum failed to encode half-way).
    pub fn truncate(&mut self, len: usize) {
        self.block.truncate(len);
    }

    pub fn datum_written(&mut self) -> Result<(), FormatError> {
        self.count += 1;
        if self.block.len() >= BLOCK_BYTES {
            self.flush_block()?;
        }
        Ok(())
    }

    fn flush_block(&mut self) -> Result<(), FormatError> {
        if self.count == 0 {
            return Ok(());
        }
        let data = self.codec.compress(&self.block)?;
        let mut head = Vec::with_capacity(20);
        write_long(&mut head, self.count);
        write_long(&mut head, data.len() as i64);
        self.out.write_all(&head)?;
        self.out.write_all(&data)?;
        self.out.write_all(&self.sync)?;
        self.block.clear();
        self.count = 0;
        Ok(())
    }

    /// Write the last block and hand the output back.
    pub fn finish(mut self) -> Result<W, FormatError> {
        self.flush_block()?;
        Ok(self.out)
    }

    pub fn get_ref(&self) -> &W {
        &self.out
    }
}

fn sync_marker() -> [u8; 16] {
    use std::collections::hash_map::RandomState;
    use std::hash::{BuildHasher, Hasher};
    let mut out = [0u8; 16];
    for chunk in out.chunks_mut(8) {
        let mut h = RandomState::new().build_hasher();
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0),
        );
        chunk.copy_from_slice(&h.finish().to_le_bytes());
    }
    out
}
