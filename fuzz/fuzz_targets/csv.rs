//! CSV readers: the generic table reader and every table built from it
//! (classement, zones, young people, ML names, sites), and the point reader.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use maillage::load::{csv_in, layers, points};
use maillage::warnings::Warnings;

fuzz_target!(|data: &[u8]| {
    let path = Path::new("fuzz.csv");
    let mut w = Warnings::new();
    if let Ok(layer) = csv_in::parse_csv(path, data, &mut w) {
        let _ = layers::classement(&layer);
        let _ = layers::zones(&layer);
        let _ = layers::jeunes(&layer);
        let _ = layers::ml_names(&layer);
        let _ = layers::sites(&layer, &[]);
    }
    let _ = points::parse_points(path, data, &mut w);
});
