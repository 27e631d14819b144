//! A CFF face's glyphs as TrueType glyphs, so that `widen.rs` can derive a
//! face with twins from a CFF face (write-fonts cannot write a `CFF ` table).
//!
//! Input: a face with a `CFF ` or `CFF2` table, and a glyph id. Output: the
//! glyph as a TrueType simple glyph (write-fonts' [`SimpleGlyph`]), as
//! fontTools' `otf2ttf` converts one:
//! - the outline is drawn by skrifa (unhinted, in font units, at the
//!   default location; seac accents and the font matrix applied);
//! - each cubic curve becomes a quadratic spline within [`ACCURACY`] font
//!   units (kurbo's port of cu2qu, the algorithm `otf2ttf` uses with
//!   `max_err` 1.0), its on-curve points at the midpoints left implied;
//! - every contour is reversed: CFF runs outer contours counter-clockwise,
//!   TrueType clockwise (the nonzero fill is the same either way, but
//!   rasterizers' dropout control and hinting expect TrueType's direction).
//!
//! A variable face (`CFF2` with `fvar`) is converted at its default
//! instance, the outlines krilla draws for it (tebiki sets no variation;
//! krilla itself turns a `CFF2` face into TrueType outlines there).

use kurbo::{BezPath, CubicBez, PathEl, Point};
use read_fonts::FontRef;
use read_fonts::types::Tag;
use skrifa::instance::{LocationRef, Size};
use skrifa::outline::{DrawSettings, OutlineGlyphCollection, OutlineGlyphFormat, OutlinePen};
use skrifa::{GlyphId, MetadataProvider};
use write_fonts::tables::glyf::SimpleGlyph;

/// The largest distance, in font units, between a cubic curve and the
/// quadratic spline that replaces it (`otf2ttf`'s `max_err`).
pub(super) const ACCURACY: f64 = 1.0;

/// The outlines of a CFF (or CFF2) face, drawn at the default location.
pub(super) struct CffOutlines<'a>(OutlineGlyphCollection<'a>);

impl<'a> CffOutlines<'a> {
    /// The outlines of `font`, when it has CFF (or CFF2) outlines and no
    /// `glyf` table.
    pub(super) fn new(font: &FontRef<'a>) -> Option<CffOutlines<'a>> {
        if font.table_data(Tag::new(b"glyf")).is_some() {
            return None;
        }
        let outlines = font.outline_glyphs();
        matches!(
            outlines.format(),
            Some(OutlineGlyphFormat::Cff | OutlineGlyphFormat::Cff2)
        )
        .then_some(CffOutlines(outlines))
    }

    /// Glyph `id` as a TrueType glyph: `Some(None)` when it has no outline
    /// (a space), `None` when it does not read or convert.
    pub(super) fn glyph(&self, id: u16) -> Option<Option<SimpleGlyph>> {
        let glyph = self.0.get(GlyphId::new(u32::from(id)))?;
        let mut pen = QuadraticPen::default();
        glyph
            .draw(
                DrawSettings::unhinted(Size::unscaled(), LocationRef::default()),
                &mut pen,
            )
            .ok()?;
        if pen.path.elements().is_empty() {
            return Some(None);
        }
        SimpleGlyph::from_bezpath(&pen.path.reverse_subpaths())
            .ok()
            .map(Some)
    }
}

/// An outline pen that keeps only quadratic curves and lines, and no
/// contour that is only a move.
#[derive(Default)]
struct QuadraticPen {
    path: BezPath,
    /// Where the current contour started, once it has a segment.
    start: Option<Point>,
    /// A move not yet followed by a segment.
    pending: Option<Point>,
    /// The current point.
    at: Point,
}

impl QuadraticPen {
    /// Writes a pending move before a segment.
    fn begin(&mut self) {
        if let Some(p) = self.pending.take() {
            self.path.move_to(p);
            self.start = Some(p);
        }
    }
}

impl OutlinePen for QuadraticPen {
    fn move_to(&mut self, x: f32, y: f32) {
        let p = Point::new(f64::from(x), f64::from(y));
        self.pending = Some(p);
        self.at = p;
    }

    fn line_to(&mut self, x: f32, y: f32) {
        self.begin();
        let p = Point::new(f64::from(x), f64::from(y));
        self.path.line_to(p);
        self.at = p;
    }

    fn quad_to(&mut self, cx0: f32, cy0: f32, x: f32, y: f32) {
        self.begin();
        let p = Point::new(f64::from(x), f64::from(y));
        self.path
            .quad_to(Point::new(f64::from(cx0), f64::from(cy0)), p);
        self.at = p;
    }

    fn curve_to(&mut self, cx0: f32, cy0: f32, cx1: f32, cy1: f32, x: f32, y: f32) {
        self.begin();
        let cubic = CubicBez::new(
            self.at,
            Point::new(f64::from(cx0), f64::from(cy0)),
            Point::new(f64::from(cx1), f64::from(cy1)),
            Point::new(f64::from(x), f64::from(y)),
        );
        match cubic.approx_spline(ACCURACY) {
            Some(spline) => {
                for quad in spline.to_quads() {
                    self.path.quad_to(quad.p1, quad.p2);
                }
            }
            // cu2qu gives up past 100 pieces (a degenerate curve): split
            // it evenly instead, within the same accuracy.
            None => {
                for (_, _, quad) in cubic.to_quads(ACCURACY) {
                    self.path.quad_to(quad.p1, quad.p2);
                }
            }
        }
        self.at = cubic.p3;
    }

    fn close(&mut self) {
        if self.start.take().is_some() {
            self.path.push(PathEl::ClosePath);
        }
        self.pending = None;
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use kurbo::Shape;
    use read_fonts::tables::glyf::CurvePoint;

    /// A bundled or sample font file.
    pub(in crate::pdf) fn font_file(path: &str) -> Vec<u8> {
        std::fs::read(format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))).expect("font file")
    }

    /// Records an outline as it is drawn, cubic curves kept.
    #[derive(Default)]
    struct PathPen(BezPath);

    impl OutlinePen for PathPen {
        fn move_to(&mut self, x: f32, y: f32) {
            self.0.move_to((f64::from(x), f64::from(y)));
        }
        fn line_to(&mut self, x: f32, y: f32) {
            self.0.line_to((f64::from(x), f64::from(y)));
        }
        fn quad_to(&mut self, cx0: f32, cy0: f32, x: f32, y: f32) {
            self.0.quad_to(
                (f64::from(cx0), f64::from(cy0)),
                (f64::from(x), f64::from(y)),
            );
        }
        fn curve_to(&mut self, cx0: f32, cy0: f32, cx1: f32, cy1: f32, x: f32, y: f32) {
            self.0.curve_to(
                (f64::from(cx0), f64::from(cy0)),
                (f64::from(cx1), f64::from(cy1)),
                (f64::from(x), f64::from(y)),
            );
        }
        fn close(&mut self) {
            self.0.close_path();
        }
    }

    /// Glyph `id` of face `data` as drawn (font units, unhinted), from
    /// whichever outlines the face has.
    pub(in crate::pdf) fn outline(data: &[u8], id: u16) -> BezPath {
        let font = FontRef::new(data).expect("font");
        let mut pen = PathPen::default();
        font.outline_glyphs()
            .get(GlyphId::new(u32::from(id)))
            .expect("glyph")
            .draw(
                DrawSettings::unhinted(Size::unscaled(), LocationRef::default()),
                &mut pen,
            )
            .expect("draws");
        pen.0
    }

    /// A converted glyph as a path (lines and quadratic curves, implied
    /// on-curve points restored), as a TrueType rasterizer reads it.
    fn path_of(glyph: &SimpleGlyph) -> BezPath {
        let mut path = BezPath::new();
        for contour in &glyph.contours {
            let points: Vec<CurvePoint> = contour.iter().copied().collect();
            let p = |c: &CurvePoint| Point::new(f64::from(c.x), f64::from(c.y));
            let n = points.len();
            // Start on an on-curve point, or where an all-off-curve
            // contour (a circle) implies one.
            let (first, start) = match points.iter().position(|c| c.on_curve) {
                Some(first) => (first, p(&points[first])),
                None => (n - 1, p(&points[n - 1]).midpoint(p(&points[0]))),
            };
            path.move_to(start);
            let mut control: Option<Point> = None;
            for k in 1..=n {
                let c = &points[(first + k) % n];
                if k == n && !c.on_curve {
                    // Back to the implied start.
                    if let Some(q) = control {
                        path.quad_to(q, q.midpoint(p(c)));
                    }
                    path.quad_to(p(c), start);
                    break;
                }
                match (c.on_curve, control) {
                    (true, None) => path.line_to(p(c)),
                    (true, Some(q)) => {
                        path.quad_to(q, p(c));
                        control = None;
                    }
                    (false, None) => control = Some(p(c)),
                    (false, Some(q)) => {
                        path.quad_to(q, q.midpoint(p(c)));
                        control = Some(p(c));
                    }
                }
            }
            path.close_path();
        }
        path
    }

    /// For glyphs of CFF faces: the converted glyph covers the same area
    /// (within a band along the outline as wide as the accuracy and the
    /// rounding) with the opposite sign (every contour reversed: outer contours
    /// clockwise, as TrueType's) and has the same bounds, within the accuracy and the
    /// rounding to whole units.
    #[test]
    fn a_cff_glyph_becomes_a_reversed_quadratic_glyph_of_the_same_shape() {
        let fallback = font_file("fonts/TebikiFallbackJP-Regular.otf");
        let sc = font_file("static/fonts/NotoSansSC-Regular-GB2312L1.otf");
        let (mut checked, mut clockwise) = (0, 0);
        for (data, ids) in [
            (&fallback, (1u16..400).collect::<Vec<_>>()),
            (&sc, (1u16..8388).step_by(7).collect()),
        ] {
            let font = FontRef::new(data).expect("font");
            let outlines = CffOutlines::new(&font).expect("a static CFF face");
            for id in ids {
                let Some(glyph) = outlines.glyph(id).expect("converts") else {
                    assert!(outline(data, id).is_empty(), "glyph {id} lost its outline");
                    continue;
                };
                let cubic = outline(data, id);
                let quadratic = path_of(&glyph);
                assert!(
                    quadratic
                        .segments()
                        .all(|s| !matches!(s, kurbo::PathSeg::Cubic(_))),
                    "glyph {id}"
                );
                let (a, b) = (cubic.area(), quadratic.area());
                clockwise += usize::from(b < 0.0);
                // Curves within the accuracy, points rounded to whole
                // units: the areas differ by at most a band that wide
                // along the outline.
                let band = cubic.perimeter(0.1) * (ACCURACY + 0.5);
                assert!((a + b).abs() <= band, "glyph {id}: areas {a} and {b}");
                let (r, s) = (cubic.bounding_box(), quadratic.bounding_box());
                for (x, y) in [(r.x0, s.x0), (r.y0, s.y0), (r.x1, s.x1), (r.y1, s.y1)] {
                    assert!((x - y).abs() <= ACCURACY + 1.0, "glyph {id}: {r:?} {s:?}");
                }
                // The glyph's box (written in `glyf`, and its xMin the
                // side bearing) holds the outline.
                let bb = glyph.bbox;
                assert!(f64::from(bb.x_min) <= s.x0 + 0.5 && f64::from(bb.x_max) >= s.x1 - 0.5);
                checked += 1;
            }
        }
        assert!(checked > 1000, "{checked} glyphs checked");
        // A CFF face draws its outer contours counter-clockwise (a few
        // glyphs of a font may not): the converted ones run clockwise.
        assert!(clockwise * 100 >= checked * 98, "{clockwise} of {checked}");
    }

    #[test]
    fn a_square_keeps_its_corners_and_turns_clockwise() {
        let mut pen = QuadraticPen::default();
        // Counter-clockwise, as CFF draws an outer contour, with a stray
        // move that draws nothing.
        pen.move_to(5.0, 5.0);
        pen.move_to(0.0, 0.0);
        pen.line_to(100.0, 0.0);
        pen.line_to(100.0, 100.0);
        pen.line_to(0.0, 100.0);
        pen.close();
        let glyph = SimpleGlyph::from_bezpath(&pen.path.reverse_subpaths()).expect("glyph");
        assert_eq!(glyph.contours.len(), 1);
        let points: Vec<(i16, i16)> = glyph.contours[0].iter().map(|p| (p.x, p.y)).collect();
        assert_eq!(points.len(), 4);
        assert!(points.iter().all(|p| [0, 100].contains(&p.0)));
        assert_eq!(path_of(&glyph).area(), -10_000.0);
    }

    #[test]
    fn a_cubic_arc_stays_within_the_accuracy() {
        let mut pen = QuadraticPen::default();
        pen.move_to(0.0, 0.0);
        pen.curve_to(0.0, 552.0, 448.0, 1000.0, 1000.0, 1000.0);
        pen.line_to(1000.0, 0.0);
        pen.close();
        let cubic = CubicBez::new((0.0, 0.0), (0.0, 552.0), (448.0, 1000.0), (1000.0, 1000.0));
        use kurbo::ParamCurve;
        let quads: Vec<kurbo::QuadBez> = pen
            .path
            .segments()
            .filter_map(|s| match s {
                kurbo::PathSeg::Quad(q) => Some(q),
                _ => None,
            })
            .collect();
        assert!(quads.len() >= 2, "a quarter circle needs several pieces");
        // Every point of the quadratic pieces lies within the accuracy of
        // the cubic (checked against a fine sampling of it).
        let samples: Vec<Point> = (0..=2000)
            .map(|i| cubic.eval(f64::from(i) / 2000.0))
            .collect();
        for q in &quads {
            for i in 0..=20 {
                let p = q.eval(f64::from(i) / 20.0);
                let d = samples
                    .iter()
                    .map(|s| s.distance(p))
                    .fold(f64::INFINITY, f64::min);
                assert!(d <= ACCURACY + 0.5, "{d}");
            }
        }
    }

    /// A variable CFF2 face (`tests/fixtures/fonts/TestCFF2Var.otf`, two
    /// masters) converts at its default instance: the default master's
    /// outline, not the bold one's.
    #[test]
    fn a_variable_cff2_face_converts_at_its_default_instance() {
        let data = font_file("tests/fixtures/fonts/TestCFF2Var.otf");
        let font = FontRef::new(&data).expect("font");
        assert!(font.table_data(Tag::new(b"CFF2")).is_some());
        let outlines = CffOutlines::new(&font).expect("CFF2 outlines");
        let o = font.charmap().map('o').expect("o").to_u32() as u16;
        let glyph = outlines.glyph(o).expect("converts").expect("an outline");
        let cubic = outline(&data, o);
        let quadratic = path_of(&glyph);
        let band = cubic.perimeter(0.1) * (ACCURACY + 0.5);
        assert!((cubic.area() + quadratic.area()).abs() <= band);
        // The bold master's counter is smaller: its ink area larger.
        let bold = font.axes().location([("wght", 700.0)]);
        let mut pen = PathPen::default();
        font.outline_glyphs()
            .get(GlyphId::new(u32::from(o)))
            .expect("glyph")
            .draw(DrawSettings::unhinted(Size::unscaled(), &bold), &mut pen)
            .expect("draws");
        assert!(pen.0.area() > cubic.area() + 4.0 * band);
        // The ring: two contours, the outer one clockwise now.
        assert_eq!(glyph.contours.len(), 2);
        assert!(quadratic.area() < 0.0);
    }

    #[test]
    fn a_truetype_face_is_not_taken_for_cff() {
        let data = font_file("fonts/BIZUDPGothic-Regular.ttf");
        let font = FontRef::new(&data).expect("font");
        assert!(CffOutlines::new(&font).is_none());
    }
}
