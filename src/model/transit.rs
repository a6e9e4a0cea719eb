//! Public transport timetables, as the router needs them: the stops, and
//! the trips running on one service day with their times in seconds from
//! that day's midnight (GTFS "noon minus 12 h"; see
//! `load::gtfs` for how a feed becomes a [`Timetable`]).

use std::fmt;

use crate::base::LonLat;

/// A calendar date (proleptic Gregorian), as GTFS writes it (`YYYYMMDD`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Date {
    /// The date if it exists (`month` 1–12, `day` within the month).
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        let d = Date { year, month, day };
        ((1..=12).contains(&month) && day >= 1 && day <= d.month_length()).then_some(d)
    }

    fn is_leap(year: i32) -> bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    fn month_length(&self) -> u32 {
        match self.month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if Date::is_leap(self.year) => 29,
            2 => 28,
            _ => 0,
        }
    }

    /// Days since 1970-01-01 (negative before), by H. Hinnant's
    /// `days_from_civil`.
    pub fn days(&self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` after 1970-01-01 (Hinnant's `civil_from_days`).
    pub fn from_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// The day before.
    pub fn previous(&self) -> Date {
        Date::from_days(self.days() - 1)
    }

    /// Day of the week, 0 = Monday … 6 = Sunday (the order of
    /// `calendar.txt`'s columns).
    pub fn weekday(&self) -> usize {
        // 1970-01-01 was a Thursday (3).
        (self.days() + 3).rem_euclid(7) as usize
    }

    /// Parses `YYYYMMDD` (GTFS) or `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Option<Date> {
        let s = s.trim();
        let digits: String = match s.len() {
            8 => s.to_string(),
            10 if s.as_bytes()[4] == b'-' && s.as_bytes()[7] == b'-' => s.replace('-', ""),
            _ => return None,
        };
        if !digits.bytes().all(|b| b.is_ascii_digit()) || digits.len() != 8 {
            return None;
        }
        Date::new(
            digits[..4].parse().ok()?,
            digits[4..6].parse().ok()?,
            digits[6..].parse().ok()?,
        )
    }
}

impl fmt::Display for Date {
    /// `2019-05-13`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// A stop (or station) where trips board and alight.
#[derive(Debug, Clone, PartialEq)]
pub struct TransitStop {
    /// `feed:stop_id`, with the feed's file stem as prefix so that two feeds'
    /// ids never collide (`poa_eptc:1511`).
    pub id: String,
    pub name: String,
    pub position: LonLat,
}

/// One trip running on the service day, its stops in order.
#[derive(Debug, Clone, PartialEq)]
pub struct TransitTrip {
    /// `feed:trip_id` (with `#k` appended for the k-th run of a
    /// `frequencies.txt` template, from 0, and `~J-1` for a trip of the day
    /// before still running after midnight, since a trip may run both days).
    pub id: String,
    /// `feed:route_id`.
    pub route: String,
    /// Indices into [`Timetable::stops`], in stop_sequence order.
    pub stops: Vec<u32>,
    /// Arrival and departure at each stop, seconds from the service day's
    /// midnight: a trip of the day before still running after midnight
    /// has its times shifted by −86,400 (so negative before midnight);
    /// missing times interpolated, every time filled.
    pub arrivals: Vec<i32>,
    pub departures: Vec<i32>,
}

/// A minimum transfer time from `transfers.txt` (`transfer_type` 2), or a
/// forbidden transfer (type 3: `None`), between two stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MinTransfer {
    pub from: u32,
    pub to: u32,
    pub seconds: Option<u32>,
}

/// One feed read, for the manifest and the messages.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedSummary {
    /// The file or folder given.
    pub path: std::path::PathBuf,
    /// The prefix of its ids (the file stem).
    pub prefix: String,
    /// First and last day of its services (calendar and calendar_dates).
    pub period: Option<(Date, Date)>,
    /// Its stops in the [`Timetable`]: those served by a trip kept.
    pub stops: usize,
    /// Trips of the feed (templates counted once) and those running on the
    /// date or still running from the day before.
    pub trips: usize,
    pub trips_on_date: usize,
}

/// The stops and the trips running on one date, from one or more feeds.
#[derive(Debug, Clone, PartialEq)]
pub struct Timetable {
    pub date: Date,
    pub stops: Vec<TransitStop>,
    /// In feed order, then trip order of `trips.txt`, frequency runs in
    /// time order.
    pub trips: Vec<TransitTrip>,
    pub transfers: Vec<MinTransfer>,
    pub feeds: Vec<FeedSummary>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_count_days_and_weekdays() {
        let d = Date::new(2019, 5, 13).unwrap();
        assert_eq!(d.weekday(), 0, "13 May 2019 was a Monday");
        assert_eq!(Date::from_days(d.days()), d);
        assert_eq!(
            Date::new(2024, 3, 1).unwrap().previous(),
            Date::new(2024, 2, 29).unwrap()
        );
        assert_eq!(
            Date::new(2023, 1, 1).unwrap().previous().to_string(),
            "2022-12-31"
        );
        assert_eq!(Date::new(1970, 1, 1).unwrap().days(), 0);
        assert!(Date::new(2023, 2, 29).is_none());
        assert_eq!(Date::parse("20190513"), Some(d));
        assert_eq!(Date::parse("2019-05-13"), Some(d));
        assert_eq!(Date::parse("2019-13-01"), None);
        assert_eq!(Date::parse("2019513"), None);
        for k in -1000..1000 {
            assert_eq!(Date::from_days(k).days(), k);
        }
    }
}
