//! GeoTIFF writer for the distance grid: one band of 32-bit floats in the
//! territory's frame (Lambert-93, EPSG:2154, in France), written by hand (the format is small and fixed:
//! a little-endian TIFF 6.0 header, one image file directory, uncompressed
//! strips) so the bytes depend only on the grid.
//!
//! Georeferencing follows GeoTIFF 1.1 (OGC 19-008r4): `ModelPixelScaleTag`
//! and `ModelTiepointTag` place the top-left corner of the top-left pixel,
//! `GeoKeyDirectoryTag` says projected (`GTModelTypeGeoKey` = 1), pixel is
//! area (`GTRasterTypeGeoKey` = 1) and `ProjectedCSTypeGeoKey` = 2154, and
//! GDAL's `GDAL_NODATA` tag names the value of the cells outside every commune.
//! A local frame ([`Frame`]) is written as a user-defined projected system:
//! WGS 84 (`GeographicTypeGeoKey` = 4326), `ProjCoordTransGeoKey` = 8
//! (Lambert conformal conic 2SP) and its parallels and false origin in
//! `GeoDoubleParamsTag`; in the southern hemisphere, the southern conic
//! (negated latitudes), which gives the frame's coordinates.

use crate::analysis::grid::GridCell;
use crate::base::frame::Frame;

/// The value of cells with no distance (outside every commune, or no site).
pub const NODATA: f32 = -9999.0;

/// A north-up raster of 32-bit floats in Lambert-93.
#[derive(Debug, Clone, PartialEq)]
pub struct Raster {
    pub width: u32,
    pub height: u32,
    /// Lambert-93 coordinates of the top-left (north-west) corner of the
    /// top-left pixel, in metres.
    pub west: f64,
    pub north: f64,
    /// Side of a pixel in metres.
    pub pixel: f64,
    /// Row-major values, the first row being the northernmost.
    pub values: Vec<f32>,
    pub nodata: f32,
}

impl Raster {
    /// The value at a Lambert-93 point, if it falls in the raster.
    pub fn at(&self, x: f64, y: f64) -> Option<f32> {
        let col = ((x - self.west) / self.pixel).floor();
        let row = ((self.north - y) / self.pixel).floor();
        if col < 0.0 || row < 0.0 || col >= f64::from(self.width) || row >= f64::from(self.height) {
            return None;
        }
        Some(self.values[row as usize * self.width as usize + col as usize])
    }
}

/// The grid's values (distances in km, or times in minutes) as a raster
/// whose pixels are exactly the grid's cells: cell `(ix, iy)` covers
/// `[ix·size, (ix+1)·size] × [iy·size, (iy+1)·size]`. Cells outside every
/// commune, and cells without a value, hold [`NODATA`].
pub fn grid_raster(cells: &[GridCell], values: &[Option<f64>], size: f64) -> Raster {
    let sparse: Vec<(i64, i64, Option<f32>)> = cells
        .iter()
        .zip(values)
        .map(|(c, v)| (c.ix, c.iy, v.map(|v| v as f32)))
        .collect();
    sparse_raster(&sparse, size)
}

/// [`grid_raster`] from (column, row, value) triples, as a streamed grid
/// keeps them.
pub fn sparse_raster(cells: &[(i64, i64, Option<f32>)], size: f64) -> Raster {
    let (mut x0, mut x1, mut y0, mut y1) = (i64::MAX, i64::MIN, i64::MAX, i64::MIN);
    for &(ix, iy, _) in cells {
        x0 = x0.min(ix);
        x1 = x1.max(ix);
        y0 = y0.min(iy);
        y1 = y1.max(iy);
    }
    if cells.is_empty() {
        (x0, x1, y0, y1) = (0, 0, 0, 0);
    }
    let width = (x1 - x0 + 1) as usize;
    let height = (y1 - y0 + 1) as usize;
    let mut pixels = vec![NODATA; width * height];
    for &(ix, iy, v) in cells {
        if let Some(v) = v {
            let row = (y1 - iy) as usize;
            let col = (ix - x0) as usize;
            pixels[row * width + col] = v;
        }
    }
    Raster {
        width: u32::try_from(width).unwrap_or(u32::MAX),
        height: u32::try_from(height).unwrap_or(u32::MAX),
        west: x0 as f64 * size,
        north: (y1 + 1) as f64 * size,
        pixel: size,
        values: pixels,
        nodata: NODATA,
    }
}

// TIFF field types.
const ASCII: u16 = 2;
const SHORT: u16 = 3;
const LONG: u16 = 4;
const DOUBLE: u16 = 12;

/// One IFD entry: tag, type, count and the value's bytes (little-endian).
struct Entry {
    tag: u16,
    ty: u16,
    count: u32,
    bytes: Vec<u8>,
}

fn shorts(tag: u16, v: &[u16]) -> Entry {
    Entry {
        tag,
        ty: SHORT,
        count: v.len() as u32,
        bytes: v.iter().flat_map(|x| x.to_le_bytes()).collect(),
    }
}
fn longs(tag: u16, v: &[u32]) -> Entry {
    Entry {
        tag,
        ty: LONG,
        count: v.len() as u32,
        bytes: v.iter().flat_map(|x| x.to_le_bytes()).collect(),
    }
}
fn doubles(tag: u16, v: &[f64]) -> Entry {
    Entry {
        tag,
        ty: DOUBLE,
        count: v.len() as u32,
        bytes: v.iter().flat_map(|x| x.to_le_bytes()).collect(),
    }
}
fn ascii(tag: u16, s: &str) -> Entry {
    let mut bytes = s.as_bytes().to_vec();
    bytes.push(0);
    Entry {
        tag,
        ty: ASCII,
        count: bytes.len() as u32,
        bytes,
    }
}

/// Rows per strip: strips of about 64 KiB.
fn rows_per_strip(width: u32) -> u32 {
    (65_536 / (width.max(1) * 4)).max(1)
}

/// The GeoKey directory and double parameters of a frame.
fn geokeys(frame: &Frame) -> (Vec<u16>, Vec<f64>) {
    if frame.is_lambert93() {
        return (
            vec![
                1, 1, 0, 3, // version 1.1.0, 3 keys
                1024, 0, 1, 1, // GTModelTypeGeoKey = ModelTypeProjected
                1025, 0, 1, 1, // GTRasterTypeGeoKey = RasterPixelIsArea
                3072, 0, 1, 2154, // ProjectedCSTypeGeoKey = EPSG:2154
            ],
            Vec::new(),
        );
    }
    let p = frame.params();
    let s = if frame.is_south() { -1.0 } else { 1.0 };
    let doubles = vec![s * p.lat1, s * p.lat2, 0.0, 0.0, p.lon0, s * p.lat0];
    let keys = vec![
        1, 1, 0, 13, // version 1.1.0, 13 keys
        1024, 0, 1, 1, // GTModelTypeGeoKey = ModelTypeProjected
        1025, 0, 1, 1, // GTRasterTypeGeoKey = RasterPixelIsArea
        2048, 0, 1, 4326, // GeographicTypeGeoKey = WGS 84
        3072, 0, 1, 32767, // ProjectedCSTypeGeoKey = user-defined
        3074, 0, 1, 32767, // ProjectionGeoKey = user-defined
        3075, 0, 1, 8, // ProjCoordTransGeoKey = CT_LambertConfConic_2SP
        3076, 0, 1, 9001, // ProjLinearUnitsGeoKey = metre
        3078, 34736, 1, 0, // ProjStdParallel1GeoKey
        3079, 34736, 1, 1, // ProjStdParallel2GeoKey
        3082, 34736, 1, 2, // ProjFalseEastingGeoKey
        3083, 34736, 1, 3, // ProjFalseNorthingGeoKey
        3084, 34736, 1, 4, // ProjFalseOriginLongGeoKey
        3085, 34736, 1, 5, // ProjFalseOriginLatGeoKey
    ];
    (keys, doubles)
}

/// The raster as a GeoTIFF file in the frame (EPSG:2154 in France).
pub fn geotiff(r: &Raster, frame: &Frame) -> Vec<u8> {
    let mut out = header(
        r.width,
        r.height,
        (r.west, r.north, r.pixel),
        r.nodata,
        frame,
    );
    out.reserve(r.values.len() * 4);
    for v in &r.values {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out
}

/// The bytes of a GeoTIFF before its pixels (the strips follow, one after
/// the other, rows north first, 4 bytes a pixel): header, image file
/// directory and its values. `place` is the west and north edges and the
/// pixel's side, in metres.
fn header(width: u32, height: u32, place: (f64, f64, f64), nodata: f32, frame: &Frame) -> Vec<u8> {
    let (west, north, pixel) = place;
    let rps = rows_per_strip(width);
    let strips = height.div_ceil(rps).max(1);
    let row_bytes = width as usize * 4;
    let strip_len = |s: u32| -> u32 {
        let rows = rps.min(height - s * rps);
        rows * row_bytes as u32
    };
    let nodata = if nodata.fract() == 0.0 {
        format!("{}", nodata as i64)
    } else {
        format!("{nodata}")
    };
    // Offsets of the strips are known once the header, IFD and the values
    // stored outside it are laid out: build the entries with placeholder
    // offsets first, then fill them in.
    let (geokeys, geodoubles) = geokeys(frame);
    let mut entries = vec![
        longs(256, &[width]),
        longs(257, &[height]),
        shorts(258, &[32]),
        shorts(259, &[1]),
        shorts(262, &[1]),
        longs(273, &vec![0; strips as usize]),
        shorts(277, &[1]),
        longs(278, &[rps]),
        longs(279, &(0..strips).map(strip_len).collect::<Vec<_>>()),
        shorts(284, &[1]),
        shorts(339, &[3]),
        doubles(33550, &[pixel, pixel, 0.0]),
        doubles(33922, &[0.0, 0.0, 0.0, west, north, 0.0]),
        shorts(34735, &geokeys),
    ];
    if !geodoubles.is_empty() {
        entries.push(doubles(34736, &geodoubles));
    }
    entries.push(ascii(42113, &nodata));
    let ifd_len = 2 + 12 * entries.len() + 4;
    let ifd_at = 8usize;
    // Values longer than 4 bytes follow the IFD, each on an 8-byte boundary.
    let mut extra_at = Vec::with_capacity(entries.len());
    let mut pos = ifd_at + ifd_len;
    for e in &entries {
        if e.bytes.len() > 4 {
            pos = pos.next_multiple_of(8);
            extra_at.push(Some(pos));
            pos += e.bytes.len();
        } else {
            extra_at.push(None);
        }
    }
    let data_at = pos.next_multiple_of(8);
    let offsets: Vec<u32> = (0..strips)
        .map(|s| (data_at + s as usize * rps as usize * row_bytes) as u32)
        .collect();
    entries[5] = longs(273, &offsets);

    let mut out = Vec::with_capacity(data_at);
    out.extend_from_slice(b"II");
    out.extend_from_slice(&42u16.to_le_bytes());
    out.extend_from_slice(&(ifd_at as u32).to_le_bytes());
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    for (e, at) in entries.iter().zip(&extra_at) {
        out.extend_from_slice(&e.tag.to_le_bytes());
        out.extend_from_slice(&e.ty.to_le_bytes());
        out.extend_from_slice(&e.count.to_le_bytes());
        match at {
            Some(p) => out.extend_from_slice(&(*p as u32).to_le_bytes()),
            None => {
                let mut v = e.bytes.clone();
                v.resize(4, 0);
                out.extend_from_slice(&v);
            }
        }
    }
    out.extend_from_slice(&0u32.to_le_bytes()); // no next IFD
    for (e, at) in entries.iter().zip(&extra_at) {
        if let Some(p) = at {
            out.resize(*p, 0);
            out.extend_from_slice(&e.bytes);
        }
    }
    out.resize(data_at, 0);
    out
}

/// The GeoTIFF of a grid written a band of rows at a time, in memory
/// bounded by the band: the bytes of [`geotiff`] of [`sparse_raster`] of
/// the same cells, laid out from the cells' extent `(x0, x1, y0, y1)`
/// (columns and rows, inclusive) before their values are known.
pub struct GridTiff {
    /// The extent; `None` without a cell (the whole file is the start).
    extent: Option<(i64, i64, i64, i64)>,
    /// Where the pixels start.
    data_at: u64,
}

impl GridTiff {
    /// The layout, and the file's first bytes.
    pub fn new(extent: Option<(i64, i64, i64, i64)>, size: f64, frame: &Frame) -> (Self, Vec<u8>) {
        let Some((x0, x1, y0, y1)) = extent else {
            let start = geotiff(&sparse_raster(&[], size), frame);
            let data_at = start.len() as u64;
            return (GridTiff { extent, data_at }, start);
        };
        let (width, height) = ((x1 - x0 + 1) as u32, (y1 - y0 + 1) as u32);
        let start = header(
            width,
            height,
            (x0 as f64 * size, (y1 + 1) as f64 * size, size),
            NODATA,
            frame,
        );
        let data_at = start.len() as u64;
        (GridTiff { extent, data_at }, start)
    }

    /// The pixels of the rows `rows` that lie in the extent, north first,
    /// and the offset where they go in the file; `cells` are every cell of
    /// those rows with its value. `None` when no row is in the extent.
    pub fn rows(
        &self,
        rows: std::ops::Range<i64>,
        cells: impl Iterator<Item = (i64, i64, Option<f32>)>,
    ) -> Option<(u64, Vec<u8>)> {
        let (x0, x1, y0, y1) = self.extent?;
        let (lo, hi) = (rows.start.max(y0), (rows.end - 1).min(y1));
        if lo > hi {
            return None;
        }
        let width = (x1 - x0 + 1) as usize;
        // The block's first row is the northernmost, `hi`.
        let mut pixels = vec![NODATA; (hi - lo + 1) as usize * width];
        for (ix, iy, v) in cells {
            if let Some(v) = v.filter(|_| (lo..=hi).contains(&iy) && (x0..=x1).contains(&ix)) {
                pixels[(hi - iy) as usize * width + (ix - x0) as usize] = v;
            }
        }
        let offset = self.data_at + ((y1 - hi) as usize * width * 4) as u64;
        let mut bytes = Vec::with_capacity(pixels.len() * 4);
        for v in pixels {
            bytes.extend_from_slice(&v.to_le_bytes());
        }
        Some((offset, bytes))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::base::L93;

    fn cell(ix: i64, iy: i64) -> GridCell {
        GridCell {
            ix,
            iy,
            centre: L93 {
                x: (ix as f64 + 0.5) * 200.0,
                y: (iy as f64 + 0.5) * 200.0,
            },
            commune: 0,
        }
    }

    fn near(m: f64) -> Option<f64> {
        Some(m / 1000.0)
    }

    #[test]
    fn pixels_are_the_grid_cells() {
        let cells = [cell(3000, 34000), cell(3002, 34000), cell(3001, 34001)];
        let r = grid_raster(&cells, &[near(1500.0), near(2500.0), None], 200.0);
        assert_eq!((r.width, r.height), (3, 2));
        assert_eq!((r.west, r.north), (600_000.0, 6_800_400.0));
        // Bottom row is iy = 34000; top row iy = 34001.
        assert_eq!(r.values, [NODATA, NODATA, NODATA, 1.5, NODATA, 2.5]);
        for c in &cells[..2] {
            assert!(r.at(c.centre.x, c.centre.y).unwrap() > 0.0);
        }
        assert_eq!(r.at(599_999.0, 6_800_000.0), None);
    }

    /// Written a band of rows at a time, south to north, the file is the
    /// whole raster's bytes, whatever the bands; and without a cell too.
    #[test]
    fn bands_give_the_whole_tiff() {
        let cells: Vec<(i64, i64, Option<f32>)> = (0..37)
            .flat_map(|iy| (0..23).map(move |ix| (500 + ix, 33_990 + iy)))
            .filter(|(ix, iy)| (ix * 3 + iy) % 5 != 0 && *iy != 34_000)
            .map(|(ix, iy)| (ix, iy, (ix % 4 != 0).then_some((ix + iy) as f32 / 7.0)))
            .collect();
        let frame = Frame::lambert93();
        let whole = geotiff(&sparse_raster(&cells, 200.0), &frame);
        let extent = Some((500, 522, 33_990, 34_026));
        for band in [1, 4, 10, 100] {
            let (tiff, start) = GridTiff::new(extent, 200.0, &frame);
            let mut file = start;
            file.resize(whole.len(), 0xAB);
            let mut row = 33_980;
            while row < 34_040 {
                let rows = row..row + band;
                let of_band = cells.iter().copied().filter(|c| rows.contains(&c.1));
                if let Some((at, bytes)) = tiff.rows(row..row + band, of_band) {
                    file[at as usize..at as usize + bytes.len()].copy_from_slice(&bytes);
                }
                row += band;
            }
            assert!(file == whole, "bands of {band} rows");
        }
        let (_, start) = GridTiff::new(None, 200.0, &frame);
        assert_eq!(start, geotiff(&sparse_raster(&[], 200.0), &frame));
    }

    #[test]
    fn the_tiff_reads_back() {
        use tiff::decoder::{Decoder, DecodingResult};
        use tiff::tags::Tag;
        let cells: Vec<GridCell> = (0..40)
            .flat_map(|iy| (0..30).map(move |ix| cell(3000 + ix, 34000 + iy)))
            .filter(|c| (c.ix + c.iy) % 7 != 0)
            .collect();
        let nearest: Vec<_> = cells
            .iter()
            .map(|c| near((c.ix * 10 + c.iy) as f64))
            .collect();
        let r = grid_raster(&cells, &nearest, 200.0);
        let bytes = geotiff(&r, &Frame::lambert93());
        let mut d = Decoder::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(d.dimensions().unwrap(), (30, 40));
        let scale = d.get_tag_f64_vec(Tag::ModelPixelScaleTag).unwrap();
        assert_eq!(scale, [200.0, 200.0, 0.0]);
        let tie = d.get_tag_f64_vec(Tag::ModelTiepointTag).unwrap();
        assert_eq!(tie, [0.0, 0.0, 0.0, 600_000.0, 6_808_000.0, 0.0]);
        let keys = d.get_tag_u16_vec(Tag::GeoKeyDirectoryTag).unwrap();
        assert_eq!(&keys[12..16], &[3072, 0, 1, 2154]);
        assert_eq!(d.get_tag_ascii_string(Tag::GdalNodata).unwrap(), "-9999");
        let DecodingResult::F32(v) = d.read_image().unwrap() else {
            panic!("not f32")
        };
        assert_eq!(v, r.values);
        for (c, n) in cells.iter().zip(&nearest) {
            let km = n.unwrap() as f32;
            assert_eq!(r.at(c.centre.x, c.centre.y), Some(km));
        }
    }
}
