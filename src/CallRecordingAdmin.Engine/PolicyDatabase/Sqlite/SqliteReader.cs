using System;
using CallRecordingAdmin.Engine.Policy;
using Microsoft.Data.Sqlite;

namespace CallRecordingAdmin.Engine.PolicyDatabase
{
    /// <summary>
    /// Reading SQLite rows by column name (text, integers, booleans stored as 0/1, timestamps stored as text).
    /// In the PolicyDatabase namespace so the registers still find it while their SQL waits to move (issue 10 P1–P3).
    /// </summary>
    internal static class SqliteReader
    {
        public static string Text(this SqliteDataReader r, string column)
        {
            var i = r.GetOrdinal(column);
            return r.IsDBNull(i) ? null : r.GetString(i);
        }

        public static long Long(this SqliteDataReader r, string column) => r.GetInt64(r.GetOrdinal(column));

        public static int? NullableInt(this SqliteDataReader r, string column)
        {
            var i = r.GetOrdinal(column);
            return r.IsDBNull(i) ? (int?)null : r.GetInt32(i);
        }

        public static bool Bool(this SqliteDataReader r, string column) => r.GetInt64(r.GetOrdinal(column)) != 0;

        public static DateTimeOffset Time(this SqliteDataReader r, string column) => Timestamp.Parse(r.Text(column));

        public static DateTimeOffset? NullableTime(this SqliteDataReader r, string column)
        {
            var text = r.Text(column);
            return text == null ? (DateTimeOffset?)null : Timestamp.Parse(text);
        }
    }
}
