//! GeoJSON reader and the layers built from it (communes, QPV, sites).
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use maillage::load::{geojson, layers};
use maillage::warnings::Warnings;

fuzz_target!(|data: &[u8]| {
    if let Ok(layer) = geojson::parse_geojson(Path::new("fuzz.geojson"), data) {
        let mut w = Warnings::new();
        if let Ok(communes) = layers::communes(&layer, &mut w) {
            let _ = layers::sites(&layer, &communes);
        }
        let _ = layers::qpv(&layer, &mut w);
    }
});
