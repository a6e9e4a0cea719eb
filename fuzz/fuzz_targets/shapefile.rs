//! Shapefile reader (.shp, .dbf, .prj, .cpg) and the layers built from it.
//!
//! The input is framed: `u32 LE length | .shp bytes | u32 LE length | .dbf
//! bytes | u32 LE length | .prj text | .cpg text (the rest)`; a length of
//! 0xFFFFFFFF leaves the file out. `scripts/fuzz` frames the fixtures of
//! `tests/fixtures/shp/` this way as the starting corpus.
#![no_main]

use libfuzzer_sys::fuzz_target;
use maillage::load::{layers, shp};
use maillage::warnings::Warnings;

fn take<'a>(data: &mut &'a [u8]) -> Option<Option<&'a [u8]>> {
    let (len, rest) = data.split_first_chunk::<4>()?;
    let len = u32::from_le_bytes(*len);
    if len == u32::MAX {
        *data = rest;
        return Some(None);
    }
    let len = usize::try_from(len).ok()?.min(rest.len());
    let (part, rest) = rest.split_at(len);
    *data = rest;
    Some(Some(part))
}

fuzz_target!(|data: &[u8]| {
    let mut d = data;
    let (Some(shp_bytes), Some(dbf), Some(prj)) = (take(&mut d), take(&mut d), take(&mut d)) else {
        return;
    };
    let dir = tempfile::tempdir().expect("a temporary folder");
    let base = dir.path().join("f");
    let write = |ext: &str, bytes: Option<&[u8]>| {
        if let Some(b) = bytes {
            std::fs::write(base.with_extension(ext), b).expect("write");
        }
    };
    write("shp", shp_bytes);
    write("dbf", dbf);
    write("prj", prj);
    write("cpg", (!d.is_empty()).then_some(d));
    let mut w = Warnings::new();
    if let Ok(layer) = shp::read_shapefile(&base.with_extension("shp"), &mut w) {
        if let Ok(communes) = layers::communes(&layer, &mut w) {
            let _ = layers::sites(&layer, &communes);
        }
        let _ = layers::qpv(&layer, &mut w);
    }
});
