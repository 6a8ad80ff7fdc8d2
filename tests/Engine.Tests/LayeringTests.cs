using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using Xunit;

namespace Engine.Tests
{
    /// <summary>
    /// Issue 10's gates, a scan of the source like ErrorCatalogueTests: only PolicyDatabase/Sqlite/ (and the module's
    /// loader, which loads the SQLite native library) may name SQLite's types, and only PolicyDatabase/Sqlite/ may
    /// hold SQL text. Files whose package has not yet moved their SQL are listed in <see cref="NotYetMoved"/>; the
    /// test fails when a file outside that list breaks a gate, and when a listed file no longer does (shrink the list).
    /// </summary>
    public class LayeringTests
    {
        private static readonly string SourceRoot = FindSourceRoot();

        private static string FindSourceRoot()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "CallRecordingAdmin.sln"))) return Path.Combine(dir.FullName, "src");
            }
            throw new InvalidOperationException("The repository root (CallRecordingAdmin.sln) is not above " + AppContext.BaseDirectory);
        }

        /// <summary>Where SQLite may be named and SQL written.</summary>
        private const string SqliteFolder = "CallRecordingAdmin.Engine/PolicyDatabase/Sqlite/";
        /// <summary>The loader resolves the SQLite native library, so it may name SQLitePCL; it holds no SQL.</summary>
        private const string LoaderFolder = "CallRecordingAdmin/Loading/";

        /// <summary>
        /// Files (relative to src/) that still reach SQLite or hold SQL, by the package that moves them. Remove a line when
        /// its package lands; the test says which lines are stale.
        /// </summary>
        private static readonly Dictionary<string, string> NotYetMoved = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            // P2: recordings, retention, holds, subject access
            ["CallRecordingAdmin.Engine/Recordings/RecordingRegister.cs"] = "P2",
            ["CallRecordingAdmin.Engine/Recordings/ImportRecordings.cs"] = "P2",
            ["CallRecordingAdmin.Engine/Recordings/RecordingQueries.cs"] = "P2",
            ["CallRecordingAdmin.Engine/Recordings/RecordingContent.cs"] = "P2",
            ["CallRecordingAdmin.Engine/Recordings/RecordingRemoval.cs"] = "P2",
            ["CallRecordingAdmin.Engine/Recordings/RecordingRecovery.cs"] = "P2",
            ["CallRecordingAdmin.Engine/Retention/RetentionPurge.cs"] = "P2",
            ["CallRecordingAdmin.Engine/Retention/RecordingDeletion.cs"] = "P2",
            ["CallRecordingAdmin.Engine/Retention/RetentionRules.cs"] = "P2",
            ["CallRecordingAdmin.Engine/LegalHolds/LegalHoldRegister.cs"] = "P2",
            ["CallRecordingAdmin.Engine/LegalHolds/HoldExport.cs"] = "P2",
            ["CallRecordingAdmin.Engine/SubjectAccess/SubjectAccessRegister.cs"] = "P2",
            // P5: the shims every package uses until it has moved
            ["CallRecordingAdmin.Engine/Store/ChangeContext.cs"] = "P5",
            ["CallRecordingAdmin.Engine/Store/RecordingStore.cs"] = "P5",
        };

        private static readonly Regex SqliteName = new Regex(@"Microsoft\.Data\.Sqlite|SQLitePCL|\bSqlite[A-Z]\w*", RegexOptions.CultureInvariant);
        private static readonly Regex SqlText = new Regex(@"\b(SELECT|INSERT|UPDATE|DELETE\s+FROM|CREATE\s+(TABLE|INDEX|TRIGGER|VIEW))\b", RegexOptions.CultureInvariant);

        private static IEnumerable<string> SourceFiles() =>
            Directory.EnumerateFiles(SourceRoot, "*.cs", SearchOption.AllDirectories)
                .Where(f => !f.Contains(Path.DirectorySeparatorChar + "bin" + Path.DirectorySeparatorChar) && !f.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar))
                .Select(f => f.Substring(SourceRoot.Length + 1).Replace('\\', '/'));

        /// <summary>The file's code without comments, and its string literals' text.</summary>
        internal static (string Code, List<string> Literals) Split(string source)
        {
            var code = new StringBuilder(source.Length);
            var literals = new List<string>();
            var i = 0;
            while (i < source.Length)
            {
                var c = source[i];
                var next = i + 1 < source.Length ? source[i + 1] : '\0';
                if (c == '/' && next == '/')
                {
                    while (i < source.Length && source[i] != '\n') i++;
                    continue;
                }
                if (c == '/' && next == '*')
                {
                    var end = source.IndexOf("*/", i + 2, StringComparison.Ordinal);
                    i = end < 0 ? source.Length : end + 2;
                    continue;
                }
                if (c == '\'')
                {
                    // a char literal: '"' must not open a string
                    var end = i + 1;
                    while (end < source.Length && source[end] != '\'' && source[end] != '\n') end += source[end] == '\\' ? 2 : 1;
                    code.Append(source, i, Math.Min(end + 1, source.Length) - i);
                    i = end + 1;
                    continue;
                }
                if (c == '"' || ((c == '@' || c == '$') && (next == '"' || ((next == '@' || next == '$') && i + 2 < source.Length && source[i + 2] == '"'))))
                {
                    var start = i;
                    var verbatim = false;
                    while (source[i] != '"') { verbatim |= source[i] == '@'; i++; }
                    i++;
                    var text = new StringBuilder();
                    while (i < source.Length)
                    {
                        if (verbatim && source[i] == '"' && i + 1 < source.Length && source[i + 1] == '"') { text.Append('"'); i += 2; continue; }
                        if (!verbatim && source[i] == '\\' && i + 1 < source.Length) { text.Append(source, i, 2); i += 2; continue; }
                        if (source[i] == '"') { i++; break; }
                        text.Append(source[i]);
                        i++;
                    }
                    literals.Add(text.ToString());
                    code.Append(source, start, i - start);
                    continue;
                }
                code.Append(c);
                i++;
            }
            return (code.ToString(), literals);
        }

        /// <summary>Each file that breaks a gate, with what it breaks.</summary>
        private static Dictionary<string, string> Breaches()
        {
            var breaches = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var file in SourceFiles())
            {
                if (file.StartsWith(SqliteFolder, StringComparison.Ordinal)) continue;
                var (code, literals) = Split(File.ReadAllText(Path.Combine(SourceRoot, file)));
                var problems = new List<string>();
                var name = SqliteName.Match(code);
                if (name.Success && !file.StartsWith(LoaderFolder, StringComparison.Ordinal)) problems.Add("names " + name.Value);
                var sql = literals.FirstOrDefault(l => SqlText.IsMatch(l));
                if (sql != null) problems.Add("holds SQL \"" + (sql.Length > 60 ? sql.Substring(0, 60) + "…" : sql).Replace("\n", " ") + "\"");
                if (problems.Count > 0) breaches[file] = string.Join("; ", problems);
            }
            return breaches;
        }

        [Fact]
        public void Only_the_Sqlite_folder_names_SQLite_or_holds_SQL()
        {
            var breaches = Breaches();
            var unlisted = breaches.Where(b => !NotYetMoved.ContainsKey(b.Key)).Select(b => b.Key + " " + b.Value).OrderBy(x => x, StringComparer.Ordinal).ToList();
            Assert.True(unlisted.Count == 0, "Outside PolicyDatabase/Sqlite/ (move the SQL behind a repository):\n" + string.Join("\n", unlisted));
        }

        [Fact]
        public void The_list_of_files_not_yet_moved_holds_only_files_that_still_need_it()
        {
            var breaches = Breaches();
            var stale = NotYetMoved.Keys.Where(f => !breaches.ContainsKey(f)).OrderBy(x => x, StringComparer.Ordinal).ToList();
            Assert.True(stale.Count == 0, "These files no longer reach SQLite or hold SQL; remove them from LayeringTests.NotYetMoved:\n" + string.Join("\n", stale));
        }

        [Theory]
        [InlineData("var x = \"SELECT 1\";", true)]
        [InlineData("var x = @\"SELECT \"\"a\"\" FROM t\";", true)]
        [InlineData("// SELECT in a comment\nvar x = 1;", false)]
        [InlineData("/* INSERT INTO t */ var x = 1;", false)]
        [InlineData("var x = \"select the area\";", false)]
        [InlineData("var c = '\"'; var x = \"UPDATE t SET a = 1\";", true)]
        [InlineData("var x = \"a \\\" DELETE FROM t\";", true)]
        public void The_scan_finds_SQL_in_string_literals_only(string source, bool found)
        {
            var (_, literals) = Split(source);
            Assert.Equal(found, literals.Any(l => SqlText.IsMatch(l)));
        }

        [Fact]
        public void The_scan_sees_SQLite_names_in_code_but_not_in_comments()
        {
            Assert.Matches(SqliteName, Split("using Microsoft.Data.Sqlite;").Code);
            Assert.Matches(SqliteName, Split("var c = new SqliteConnection(cs);").Code);
            Assert.DoesNotMatch(SqliteName, Split("/// <summary>the SqliteSession runs it</summary>\nvar x = 1;").Code);
        }
    }
}
