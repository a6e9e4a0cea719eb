//! Numbers as a French reader expects them, in one place for the maps, the
//! page and the terminal: digits grouped by three with a no-break space
//! (U+00A0), a decimal comma, a real minus sign (−), `%` after a space.
//! (The CSV files have their own convention, without grouping:
//! [`crate::output::write::format_float`].)

/// A whole number: `768 524`.
pub fn int(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3 * 2);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push('\u{a0}');
        }
        out.push(c);
    }
    out
}

/// A signed whole number: `−1 234`.
pub fn signed(n: i64) -> String {
    if n < 0 {
        format!("−{}", int(n.unsigned_abs()))
    } else {
        int(n.unsigned_abs())
    }
}

/// A number with `decimals` decimals: `1 234,57`; empty when not finite; no
/// sign on a value that rounds to zero.
pub fn decimal(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return String::new();
    }
    let s = format!("{:.*}", decimals, x.abs());
    let (whole, frac) = s.split_once('.').unwrap_or((&s, ""));
    let mut out = String::new();
    if x < 0.0 && s.chars().any(|c| c != '0' && c != '.') {
        out.push('−');
    }
    out.push_str(&int(whole.parse().unwrap_or(0)));
    if !frac.is_empty() {
        out.push(',');
        out.push_str(frac);
    }
    out
}

/// `part` as a share of `total` in per cent with one decimal: `95,2 %`;
/// `–` when the total is zero.
pub fn percent(part: f64, total: f64) -> String {
    if total > 0.0 {
        format!("{} %", decimal(100.0 * part / total, 1))
    } else {
        "–".into()
    }
}

/// A share as a whole signed per cent: `+26 %`, `−14 %`, `0 %`.
pub fn signed_percent(share: f64) -> String {
    let p = (100.0 * share).round();
    if p > 0.0 {
        format!("+{p} %")
    } else if p < 0.0 {
        format!("−{} %", -p)
    } else {
        "0 %".into()
    }
}

/// A distance in km as given, without trailing zeros: `5`, `12,5`.
pub fn km(km: f64) -> String {
    format!("{km}").replace('.', ",")
}

/// A threshold in the unit people read, with its symbol: `5 km`,
/// `12,5 km`, `15 min` (`cost` in metres or minutes).
pub fn threshold(unit: crate::base::units::Unit, cost: f64) -> String {
    format!("{} {}", km(unit.shown(cost)), unit.symbol())
}

/// The plural mark of a count, as French writes it: `s` from 2 on (0 and
/// 1 take the singular).
pub fn plural(n: usize) -> &'static str {
    if n > 1 {
        "s"
    } else {
        ""
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_the_french_way() {
        assert_eq!(int(0), "0");
        assert_eq!(int(999), "999");
        assert_eq!(int(1000), "1\u{a0}000");
        assert_eq!(int(768_524), "768\u{a0}524");
        assert_eq!(int(1_234_567), "1\u{a0}234\u{a0}567");
        assert_eq!(signed(-1000), "−1\u{a0}000");
        assert_eq!(signed(12), "12");
    }

    #[test]
    fn decimals_percent_and_km() {
        assert_eq!(decimal(1234.567, 2), "1\u{a0}234,57");
        assert_eq!(decimal(-0.001, 2), "0,00");
        assert_eq!(decimal(-2.5, 1), "−2,5");
        assert_eq!(decimal(f64::NAN, 1), "");
        assert_eq!(percent(731_321.0, 768_524.0), "95,2 %");
        assert_eq!(percent(1.0, 0.0), "–");
        assert_eq!(signed_percent(0.949), "+95 %");
        assert_eq!(signed_percent(-0.128), "−13 %");
        assert_eq!(signed_percent(0.001), "0 %");
        assert_eq!(km(5.0), "5");
        assert_eq!(km(12.5), "12,5");
        assert_eq!(plural(0), "");
        assert_eq!(plural(1), "");
        assert_eq!(plural(2), "s");
    }
}
