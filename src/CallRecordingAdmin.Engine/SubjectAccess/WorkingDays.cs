using System;
using System.Collections.Generic;

namespace CallRecordingAdmin.Engine.SubjectAccess
{
    /// <summary>
    /// England and Wales bank holidays, computed: New Year's Day, Good Friday, Easter Monday, the early May
    /// and spring bank holidays, the summer bank holiday, Christmas Day and Boxing Day, each moved to the next
    /// weekday when it falls at a weekend; plus the one-off changes proclaimed since 2012.
    /// </summary>
    public static class WorkingDays
    {
        private static readonly Dictionary<int, (DateTime[] Add, DateTime[] Remove)> OneOffs = new Dictionary<int, (DateTime[], DateTime[])>
        {
            [2012] = (new[] { new DateTime(2012, 6, 4), new DateTime(2012, 6, 5) }, new[] { new DateTime(2012, 5, 28) }),
            [2020] = (new[] { new DateTime(2020, 5, 8) }, new[] { new DateTime(2020, 5, 4) }),
            [2022] = (new[] { new DateTime(2022, 6, 2), new DateTime(2022, 6, 3), new DateTime(2022, 9, 19) }, new[] { new DateTime(2022, 5, 30) }),
            [2023] = (new[] { new DateTime(2023, 5, 8) }, new DateTime[0]),
        };

        public static bool IsBankHoliday(DateTime date) => BankHolidays(date.Year).Contains(date.Date);

        public static bool IsWorkingDay(DateTime date) => date.DayOfWeek != DayOfWeek.Saturday && date.DayOfWeek != DayOfWeek.Sunday && !IsBankHoliday(date);

        public static DateTime NextWorkingDayOnOrAfter(DateTime date)
        {
            var d = date.Date;
            while (!IsWorkingDay(d)) d = d.AddDays(1);
            return d;
        }

        public static HashSet<DateTime> BankHolidays(int year)
        {
            var set = new HashSet<DateTime>();
            var easter = EasterSunday(year);
            set.Add(easter.AddDays(-2));
            set.Add(easter.AddDays(1));
            set.Add(Substitute(new DateTime(year, 1, 1)));
            set.Add(FirstMonday(year, 5));
            set.Add(LastMonday(year, 5));
            set.Add(LastMonday(year, 8));
            var christmas = new DateTime(year, 12, 25);
            var boxing = new DateTime(year, 12, 26);
            if (christmas.DayOfWeek == DayOfWeek.Saturday) { set.Add(new DateTime(year, 12, 27)); set.Add(new DateTime(year, 12, 28)); }
            else if (christmas.DayOfWeek == DayOfWeek.Sunday) { set.Add(new DateTime(year, 12, 26)); set.Add(new DateTime(year, 12, 27)); }
            else if (boxing.DayOfWeek == DayOfWeek.Saturday) { set.Add(christmas); set.Add(new DateTime(year, 12, 28)); }
            else { set.Add(christmas); set.Add(boxing); }
            if (OneOffs.TryGetValue(year, out var changes))
            {
                foreach (var d in changes.Remove) set.Remove(d);
                foreach (var d in changes.Add) set.Add(d);
            }
            return set;
        }

        private static DateTime Substitute(DateTime d) =>
            d.DayOfWeek == DayOfWeek.Saturday ? d.AddDays(2) : d.DayOfWeek == DayOfWeek.Sunday ? d.AddDays(1) : d;

        private static DateTime FirstMonday(int year, int month)
        {
            var d = new DateTime(year, month, 1);
            while (d.DayOfWeek != DayOfWeek.Monday) d = d.AddDays(1);
            return d;
        }

        private static DateTime LastMonday(int year, int month)
        {
            var d = new DateTime(year, month, DateTime.DaysInMonth(year, month));
            while (d.DayOfWeek != DayOfWeek.Monday) d = d.AddDays(-1);
            return d;
        }

        /// <summary>Western Easter Sunday (the anonymous Gregorian algorithm).</summary>
        public static DateTime EasterSunday(int year)
        {
            int a = year % 19, b = year / 100, c = year % 100, d = b / 4, e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3;
            int h = (19 * a + b - d - g + 15) % 30, i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7, m = (a + 11 * h + 22 * l) / 451;
            int month = (h + l - 7 * m + 114) / 31, day = (h + l - 7 * m + 114) % 31 + 1;
            return new DateTime(year, month, day);
        }
    }
}
