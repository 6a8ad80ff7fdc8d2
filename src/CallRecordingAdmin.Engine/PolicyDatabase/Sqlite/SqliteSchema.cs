using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;

namespace CallRecordingAdmin.Engine.PolicyDatabase.Sqlite
{
    /// <summary>
    /// The schema check (issue 11): the store's schema objects (sqlite_master: tables, indexes, triggers, views, with their
    /// SQL, which holds every column) against those that <see cref="Migrations.All"/> make, run up to the store's version
    /// on a scratch in-memory database opened like any other connection (so whatever a migration needs is there).
    /// SQLite's own objects (sqlite_*: the automatic indexes of UNIQUE and PRIMARY KEY, sqlite_sequence, sqlite_stat*)
    /// follow from the tables' SQL and are not compared. The SQL is compared with white space runs made one space.
    /// </summary>
    internal static class SqliteSchema
    {
        private const string ObjectsSql = "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY type, name";

        internal sealed class SchemaObject
        {
            public string Type;
            public string Name;
            public string Table;
            public string Sql;
        }

        internal static IReadOnlyList<SchemaObject> Objects(SqliteConnection c, SqliteTransaction tx)
        {
            var list = new List<SchemaObject>();
            using (var cmd = SqliteDatabase.Command(c, tx, ObjectsSql))
            using (var r = cmd.ExecuteReader())
            {
                while (r.Read())
                {
                    list.Add(new SchemaObject
                    {
                        Type = r.GetString(0), Name = r.GetString(1), Table = r.IsDBNull(2) ? null : r.GetString(2),
                        Sql = r.IsDBNull(3) ? null : Normalise(r.GetString(3)),
                    });
                }
            }
            return list;
        }

        /// <summary>The schema the migrations make up to <paramref name="version"/>, on a scratch in-memory database.</summary>
        internal static IReadOnlyList<SchemaObject> Expected(int version)
        {
            var scratch = new SqliteDatabase(":memory:");
            return scratch.Write((c, tx) =>
            {
                Migrations.Apply(c, tx, new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero), version);
                return Objects(c, tx);
            });
        }

        internal static IReadOnlyList<SchemaDifference> Differences(SqliteDatabase db)
        {
            var actual = db.Read(c => Objects(c, null));
            var version = db.SchemaVersion();
            var expected = Expected(version);
            var want = expected.ToDictionary(o => o.Type + "\u0000" + o.Name, StringComparer.Ordinal);
            var have = actual.ToDictionary(o => o.Type + "\u0000" + o.Name, StringComparer.Ordinal);
            var differences = new List<SchemaDifference>();
            foreach (var e in expected)
            {
                if (!have.TryGetValue(e.Type + "\u0000" + e.Name, out var a))
                {
                    differences.Add(new SchemaDifference(e.Type, e.Name, "Missing", e.Sql, null));
                }
                else if (!string.Equals(a.Sql, e.Sql, StringComparison.Ordinal) || !string.Equals(a.Table, e.Table, StringComparison.Ordinal))
                {
                    differences.Add(new SchemaDifference(e.Type, e.Name, "Changed", e.Sql, a.Sql));
                }
            }
            foreach (var a in actual.Where(a => !want.ContainsKey(a.Type + "\u0000" + a.Name)))
            {
                differences.Add(new SchemaDifference(a.Type, a.Name, "Unexpected", null, a.Sql));
            }
            return differences;
        }

        private static readonly Regex Space = new Regex(@"\s+", RegexOptions.Compiled);

        internal static string Normalise(string sql) => Space.Replace(sql, " ").Trim();
    }
}
