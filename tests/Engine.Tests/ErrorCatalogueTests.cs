using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using CallRecordingAdmin.Engine.Policy;
using Xunit;

namespace Engine.Tests
{
    /// <summary>
    /// The ErrorId catalogue (Policy/ErrorIds.cs) against the source: every id thrown anywhere in src/ is
    /// catalogued, with the category and clause its throw sites give, and every catalogued id is thrown somewhere.
    /// </summary>
    public class ErrorCatalogueTests
    {
        /// <summary>One place where an ErrorId is given: the id, the category and clause where they are literals, and where.</summary>
        public sealed class Site
        {
            public string Id, Kind, Clause, Where;
            public bool ClauseKnown;
            public override string ToString() => Id + " at " + Where;
        }

        private static readonly string SourceRoot = FindSourceRoot();

        private static string FindSourceRoot()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "CallRecordingAdmin.sln"))) return Path.Combine(dir.FullName, "src");
            }
            throw new InvalidOperationException("The repository root (CallRecordingAdmin.sln) is not above " + AppContext.BaseDirectory);
        }

        private static IEnumerable<string> SourceFiles() =>
            Directory.EnumerateFiles(SourceRoot, "*.cs", SearchOption.AllDirectories)
                .Where(f => !f.Contains(Path.DirectorySeparatorChar + "bin" + Path.DirectorySeparatorChar) && !f.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar));

        // The forms an ErrorId is written in today:
        //   new PolicyException("Id", FailureKind.K, message, target, clause, inner)   (clause positional or "clause:")
        //   Text.Required(value, "Id", message, clause)                                 (always InvalidArgument)
        //   Required(value, "Id", what)  in RequestRegister                             (InvalidArgument, clause 2.2)
        //   Text.Name(value, "Field", "Id" or nothing for "FieldRequired", clause)     (always InvalidArgument)
        //   new ErrorRecord(exception, "Id", ErrorCategory.K, target)                    (cmdlets)
        //   new PolicyException(e.ErrorId, e.Kind, …)  a refusal re-worded with its own id and category
        private static readonly Regex Call = new Regex(@"new PolicyException\(|\bRequired\(|\bText\.Name\(|new ErrorRecord\(", RegexOptions.Compiled);

        public static List<Site> Scan(out List<string> unrecognised)
        {
            var sites = new List<Site>();
            unrecognised = new List<string>();
            foreach (var file in SourceFiles())
            {
                var text = File.ReadAllText(file);
                var relative = file.Substring(SourceRoot.Length + 1).Replace('\\', '/');
                foreach (Match m in Call.Matches(text))
                {
                    var args = Arguments(text, m.Index + m.Length - 1);
                    var where = relative + ":" + (text.Take(m.Index).Count(ch => ch == '\n') + 1);
                    if (m.Value.StartsWith("new PolicyException", StringComparison.Ordinal))
                    {
                        if (!IsLiteral(args[0]))
                        {
                            // Only the two helpers that take the id as a parameter may pass it on.
                            if (args[0] != "errorId" && !(args[0] == "e.ErrorId" && args.Count > 1 && args[1] == "e.Kind")) unrecognised.Add(where + ": new PolicyException(" + args[0] + ", …)");
                            continue;
                        }
                        var named = args.FirstOrDefault(a => a.StartsWith("clause:", StringComparison.Ordinal));
                        var clause = named != null ? named.Substring(7).Trim() : args.Count > 4 ? args[4] : "null";
                        sites.Add(MakeSite(args[0], Strip(args[1], "FailureKind."), clause, where));
                    }
                    else if (m.Value == "Text.Name(")
                    {
                        if (args.Count < 2 || !IsLiteral(args[1])) { unrecognised.Add(where + ": Text.Name(…) with a field that is not a literal"); continue; }
                        var id = args.Count > 2 && args[2] != "null" ? args[2] : "\"" + args[1].Trim('"') + "Required\"";
                        if (!IsLiteral(id)) { unrecognised.Add(where + ": Text.Name(…, " + id + ")"); continue; }
                        sites.Add(MakeSite(id, "InvalidArgument", args.Count > 3 ? args[3] : "null", where));
                    }
                    else if (m.Value == "Required(")
                    {
                        if (args.Count < 2 || !IsLiteral(args[1])) continue;
                        var viaText = m.Index >= 5 && text.Substring(m.Index - 5, 5) == "Text.";
                        var clause = viaText ? (args.Count > 3 ? args[3] : "null") : "\"2.2\"";
                        if (!viaText && !relative.EndsWith("RequestRegister.cs", StringComparison.Ordinal)) unrecognised.Add(where + ": Required(…) outside RequestRegister");
                        sites.Add(MakeSite(args[1], "InvalidArgument", clause, where));
                    }
                    else
                    {
                        if (args.Count < 3) continue;
                        if (!IsLiteral(args[1]))
                        {
                            if (args[1] != "e.ErrorId") unrecognised.Add(where + ": new ErrorRecord(…, " + args[1] + ", …)");
                            continue;
                        }
                        sites.Add(MakeSite(args[1], Strip(args[2], "ErrorCategory."), "null", where));
                    }
                }
            }
            return sites;
        }

        private static Site MakeSite(string idLiteral, string kind, string clause, string where) => new Site
        {
            Id = idLiteral.Trim('"'),
            Kind = Regex.IsMatch(kind, @"^[A-Za-z]+$") ? kind : null,
            ClauseKnown = clause == "null" || IsLiteral(clause),
            Clause = clause == "null" ? null : clause.Trim('"'),
            Where = where,
        };

        private static bool IsLiteral(string arg) => arg.Length >= 2 && arg[0] == '"' && arg[arg.Length - 1] == '"';

        private static string Strip(string arg, string prefix) => arg.StartsWith(prefix, StringComparison.Ordinal) ? arg.Substring(prefix.Length) : arg;

        /// <summary>The top-level arguments of the call whose '(' is at <paramref name="open"/>, with string literals kept whole.</summary>
        private static List<string> Arguments(string text, int open)
        {
            var args = new List<string>();
            var current = new StringBuilder();
            var depth = 0;
            for (var i = open; i < text.Length; i++)
            {
                var ch = text[i];
                if (ch == '"')
                {
                    var verbatim = i > 0 && text[i - 1] == '@';
                    var j = i + 1;
                    while (j < text.Length)
                    {
                        if (!verbatim && text[j] == '\\') { j += 2; continue; }
                        if (text[j] == '"')
                        {
                            if (verbatim && j + 1 < text.Length && text[j + 1] == '"') { j += 2; continue; }
                            break;
                        }
                        j++;
                    }
                    current.Append(text, i, j - i + 1);
                    i = j;
                    continue;
                }
                if (ch == '\'' && i + 2 < text.Length)
                {
                    var end = text.IndexOf('\'', i + (text[i + 1] == '\\' ? 3 : 2));
                    current.Append(text, i, end - i + 1);
                    i = end;
                    continue;
                }
                if (ch == '(' || ch == '[' || ch == '{')
                {
                    if (++depth == 1) continue;
                }
                else if (ch == ')' || ch == ']' || ch == '}')
                {
                    if (--depth == 0)
                    {
                        args.Add(current.ToString().Trim());
                        return args;
                    }
                }
                else if (ch == ',' && depth == 1)
                {
                    args.Add(current.ToString().Trim());
                    current.Clear();
                    continue;
                }
                current.Append(ch);
            }
            throw new InvalidOperationException("Unbalanced call at offset " + open);
        }

        [Fact]
        public void The_scan_finds_the_throw_sites_it_knows_and_no_form_it_does_not()
        {
            var sites = Scan(out var unrecognised);
            // A scan that silently found nothing would pass every other test here.
            Assert.True(sites.Count >= 100, "only " + sites.Count + " throw sites found");
            Assert.Contains(sites, s => s.Id == "RecordingNotAuthorised" && s.Kind == "PermissionDenied" && s.Clause == "2.1");
            Assert.Contains(sites, s => s.Id == "NotConnected" && s.Kind == "ConnectionError");
            Assert.Contains(sites, s => s.Id == "BusinessReasonRequired" && s.Clause == "2.2");
            Assert.True(unrecognised.Count == 0,
                "ErrorIds given in a form this test cannot read (pass a literal id, or teach ErrorCatalogueTests.Scan the new helper):\n  " + string.Join("\n  ", unrecognised));
        }

        [Fact]
        public void Every_ErrorId_thrown_in_src_is_in_the_catalogue()
        {
            var missing = Scan(out _).Where(s => ErrorIds.Find(s.Id) == null).ToList();
            Assert.True(missing.Count == 0,
                "Add these ErrorIds to src/CallRecordingAdmin.Engine/Policy/ErrorIds.cs (id, category, clause, meaning):\n  " +
                string.Join("\n  ", missing.Select(s => s.Id + " (" + s.Kind + ", clause " + (s.Clause ?? "none") + ") at " + s.Where)));
        }

        [Fact]
        public void Every_throw_site_gives_the_category_and_clause_of_its_catalogue_entry()
        {
            var problems = new List<string>();
            foreach (var s in Scan(out _))
            {
                var entry = ErrorIds.Find(s.Id);
                if (entry == null) continue;
                if (s.Kind != null && s.Kind != entry.Kind.ToString())
                {
                    problems.Add(s + ": category " + s.Kind + ", the catalogue says " + entry.Kind);
                }
                if (s.ClauseKnown && (s.Clause == null ? !entry.AllowsNoClause : !entry.Clauses.Contains(s.Clause)))
                {
                    problems.Add(s + ": clause " + (s.Clause ?? "none") + ", the catalogue says " + (entry.Clause ?? "none"));
                }
            }
            Assert.True(problems.Count == 0, string.Join("\n", problems));
        }

        [Fact]
        public void Every_catalogued_ErrorId_is_thrown_somewhere()
        {
            var thrown = new HashSet<string>(Scan(out _).Select(s => s.Id), StringComparer.Ordinal);
            var unused = ErrorIds.All.Where(e => !thrown.Contains(e.Id)).Select(e => e.Id).ToList();
            Assert.True(unused.Count == 0, "Catalogued but never thrown (remove them, or the code lost a check): " + string.Join(", ", unused));
        }

        /// <summary>ErrorIds that PowerShell itself writes (parameter binding), not the module.</summary>
        private static readonly HashSet<string> PowerShellOwn = new HashSet<string>(StringComparer.Ordinal)
        {
            "ParameterArgumentTransformationError", "ParameterArgumentValidationError", "ParameterArgumentValidationErrorNullNotAllowed",
            "MissingMandatoryParameter", "AmbiguousParameterSet", "NamedParameterNotFound", "InputObjectNotBound",
        };

        [Fact]
        public void Every_ErrorId_the_tests_expect_is_in_the_catalogue()
        {
            // Pester: Should -Throw -ErrorId 'X,*' and FullyQualifiedErrorId -like 'X,*'; xunit: Assert.Equal("X", … .ErrorId / Refusal(…)).
            var testsRoot = Path.Combine(Path.GetDirectoryName(SourceRoot), "tests");
            var expected = new List<(string Id, string Where)>();
            foreach (var file in Directory.EnumerateFiles(Path.Combine(testsRoot, "Module.Tests"), "*.ps1"))
            {
                foreach (Match m in Regex.Matches(File.ReadAllText(file), @"'([A-Z][A-Za-z]+),\*'"))
                {
                    expected.Add((m.Groups[1].Value, Path.GetFileName(file)));
                }
            }
            foreach (var file in Directory.EnumerateFiles(Path.Combine(testsRoot, "Engine.Tests"), "*.cs"))
            {
                foreach (Match m in Regex.Matches(File.ReadAllText(file), @"Assert\.Equal\(""([A-Z][A-Za-z]+)"", [^;]*(ErrorId|Refusal\(|Failure\()"))
                {
                    expected.Add((m.Groups[1].Value, Path.GetFileName(file)));
                }
            }
            Assert.True(expected.Count >= 80, "only " + expected.Count + " expected ErrorIds found in the tests");
            var unknown = expected.Where(e => ErrorIds.Find(e.Id) == null && e.Id != "NotInTheCatalogue" && !PowerShellOwn.Contains(e.Id)).Select(e => e.Id + " (" + e.Where + ")").Distinct().ToList();
            Assert.True(unknown.Count == 0, "Tests expect ErrorIds the catalogue does not have: " + string.Join(", ", unknown));
        }

        [Fact]
        public void The_catalogue_has_one_well_formed_entry_per_id()
        {
            Assert.Equal(ErrorIds.All.Count, ErrorIds.All.Select(e => e.Id).Distinct(StringComparer.OrdinalIgnoreCase).Count());
            foreach (var e in ErrorIds.All)
            {
                Assert.Matches("^[A-Z][A-Za-z]+$", e.Id);
                Assert.False(string.IsNullOrWhiteSpace(e.Meaning), e.Id + " has no meaning");
                Assert.All(e.Clauses, c => Assert.Matches(@"^[0-9]\.[0-9]$", c));
                Assert.True(e.Clause == null ? e.AllowsNoClause && e.Clauses.Count == 0 : e.Clauses.Count > 0, e.Id + ": " + e.Clause);
            }
        }

        [Fact]
        public void A_refusal_knows_from_the_catalogue_where_it_is_logged()
        {
            Assert.Equal(RefusalLog.Role, new PolicyException("AccessDenied", FailureKind.PermissionDenied, "no").Refusal);
            Assert.Equal(RefusalLog.Content, new PolicyException("AccessNotGranted", FailureKind.PermissionDenied, "no").Refusal);
            Assert.Equal(RefusalLog.Content, new PolicyException("RecordingOnLegalHold", FailureKind.InvalidOperation, "no").Refusal);
            Assert.Equal(RefusalLog.Change, new PolicyException("SelfReviewNotAllowed", FailureKind.PermissionDenied, "no").Refusal);
            Assert.Equal(RefusalLog.Role, new PolicyException("SelfRoleGrantRefused", FailureKind.PermissionDenied, "no").Refusal);
            Assert.Equal(RefusalLog.None, new PolicyException("DurationInvalid", FailureKind.InvalidData, "no").Refusal);
            Assert.Equal(RefusalLog.None, new PolicyException("NotInTheCatalogue", FailureKind.PermissionDenied, "no").Refusal);
        }
    }
}
