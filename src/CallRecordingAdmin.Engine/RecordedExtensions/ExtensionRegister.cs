using System;
using System.Collections.Generic;
using System.Text;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.PolicyDatabase;
using CallRecordingAdmin.Engine.PolicyDatabase.Sqlite;
using CallRecordingAdmin.Engine.Roles;
using CallRecordingAdmin.Engine.ServiceAreas;
using CallRecordingAdmin.Engine.Store;
using Microsoft.Data.Sqlite;

namespace CallRecordingAdmin.Engine.RecordedExtensions
{
    /// <summary>Adds, finds, changes and removes recorded extensions, keeping clause 2.3's rule for constantly recorded ones.</summary>
    public sealed class ExtensionRegister
    {
        private const string Select = "SELECT e.*, sa.name AS area_name FROM recorded_extension e JOIN service_area sa ON sa.id = e.service_area_id";
        private readonly RecordingStore _store;

        internal ExtensionRegister(RecordingStore store) { _store = store; }

        /// <summary>Keeps digits and one leading '+'; drops the spaces, dashes, dots and brackets people write.</summary>
        public static string NormaliseNumber(string number, string parameterName = "Number")
        {
            var sb = new StringBuilder();
            var text = number?.Trim() ?? "";
            for (var i = 0; i < text.Length; i++)
            {
                var ch = text[i];
                if (ch >= '0' && ch <= '9') sb.Append(ch);
                else if (ch == '+' && sb.Length == 0) sb.Append(ch);
                else if (ch == ' ' || ch == '-' || ch == '.' || ch == '(' || ch == ')') continue;
                else { sb.Clear(); break; }
            }
            var digits = sb.ToString().TrimStart('+').Length;
            if (digits < 2 || digits > 20)
            {
                throw new PolicyException("InvalidExtensionNumber", FailureKind.InvalidArgument,
                    parameterName + " '" + number + "' is not a telephone extension: use 2 to 20 digits, optionally with a leading '+'.", number);
            }
            return sb.ToString();
        }

        public RecordedExtension Add(string number, string serviceArea, ExtensionMode mode, bool labelled, string nonRecordedAlternative)
        {
            var n = NormaliseNumber(number);
            var alternative = string.IsNullOrWhiteSpace(nonRecordedAlternative) ? null : NormaliseNumber(nonRecordedAlternative, "NonRecordedAlternative");
            return _store.Change("add recorded extensions", ctx =>
            {
                ctx.Require(RecordingRole.Administrator, "add recorded extensions");
                var area = ServiceAreaRegister.Find(ctx, serviceArea);
                if (Convert.ToInt64(ctx.Scalar("SELECT count(*) FROM recorded_extension WHERE number = $n", ("$n", n))) > 0)
                {
                    throw new PolicyException("ExtensionExists", FailureKind.ResourceExists, "Extension " + n + " is already recorded.", n);
                }
                CheckAlternative(ctx, n, mode, alternative);
                var id = Ids.New("ext");
                var now = Timestamp.ToText(ctx.Now);
                ctx.Execute(@"INSERT INTO recorded_extension(id, number, service_area_id, mode, labelled, non_recorded_alternative, created_at, created_by, modified_at, modified_by)
                              VALUES ($id, $n, $a, $m, $l, $alt, $t, $p, $t, $p)",
                    ("$id", id), ("$n", n), ("$a", area.Id), ("$m", mode.ToString()), ("$l", labelled ? 1 : 0), ("$alt", alternative),
                    ("$t", now), ("$p", ctx.Principal));
                ctx.Audit("AddRecordedExtension", "RecordedExtension", n, new Dictionary<string, object>
                {
                    ["id"] = id, ["serviceArea"] = area.Name, ["mode"] = mode.ToString(), ["labelled"] = labelled, ["nonRecordedAlternative"] = alternative,
                });
                return Load(ctx, id);
            });
        }

        /// <summary>Clause 2.3: a constantly recorded extension needs an alternative that is not itself recorded, and no recorded extension may be someone's alternative.</summary>
        private static void CheckAlternative(ChangeContext ctx, string number, ExtensionMode mode, string alternative)
        {
            var problem = ExtensionRules.AlternativeProblem(number, mode, alternative,
                n => Convert.ToInt64(ctx.Scalar("SELECT count(*) FROM recorded_extension WHERE number = $n", ("$n", n))) > 0);
            if (problem != null)
            {
                throw new PolicyException("NonRecordedAlternativeRequired", FailureKind.InvalidArgument, problem, number, "2.3");
            }
            var dependent = ctx.Scalar("SELECT number FROM recorded_extension WHERE non_recorded_alternative = $n AND number <> $n LIMIT 1", ("$n", number)) as string;
            if (dependent != null)
            {
                throw new PolicyException("NonRecordedAlternativeConflict", FailureKind.InvalidOperation,
                    "extension " + number + " is the non-recorded alternative of recorded extension " + dependent + "; recording it would leave those staff no confidential line. Give " + dependent + " another alternative first.",
                    number, "2.3");
            }
        }

        public IEnumerable<RecordedExtension> Get(string number = null, string serviceArea = null, ExtensionMode? mode = null)
        {
            var where = new List<string>();
            var args = new List<(string, object)>();
            if (!string.IsNullOrEmpty(number))
            {
                if (SqliteLike.HasWildcard(number)) { where.Add("e.number LIKE $n ESCAPE '\\'"); args.Add(("$n", SqliteLike.From(number))); }
                else { where.Add("e.number = $n"); args.Add(("$n", NormaliseNumber(number))); }
            }
            if (!string.IsNullOrEmpty(serviceArea))
            {
                if (SqliteLike.HasWildcard(serviceArea)) { where.Add("sa.name LIKE $a ESCAPE '\\'"); args.Add(("$a", SqliteLike.From(serviceArea))); }
                else { where.Add("(sa.name = $a COLLATE NOCASE OR sa.id = $a)"); args.Add(("$a", serviceArea)); }
            }
            if (mode.HasValue) { where.Add("e.mode = $m"); args.Add(("$m", mode.Value.ToString())); }
            var sql = Select + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") + " ORDER BY sa.name COLLATE NOCASE, e.number";
            return _store.Db.Query(sql, cmd => { foreach (var (n, v) in args) cmd.Parameters.AddWithValue(n, v); }, Map);
        }

        public RecordedExtension Update(string number, RecordedExtensionChange change)
        {
            var n = NormaliseNumber(number);
            var alternativeGiven = change.NonRecordedAlternative != null;
            var alternative = string.IsNullOrWhiteSpace(change.NonRecordedAlternative) ? null : NormaliseNumber(change.NonRecordedAlternative, "NonRecordedAlternative");
            return _store.Change("change recorded extensions", ctx =>
            {
                ctx.Require(RecordingRole.Administrator, "change recorded extensions");
                var before = Find(ctx, n);
                var area = change.ServiceArea != null ? ServiceAreaRegister.Find(ctx, change.ServiceArea) : null;
                var mode = change.Mode ?? before.Mode;
                var newAlternative = alternativeGiven ? alternative : before.NonRecordedAlternative;
                CheckAlternative(ctx, n, mode, newAlternative);
                var labelled = change.Labelled ?? before.Labelled;
                ctx.Execute(@"UPDATE recorded_extension SET service_area_id = ifnull($a, service_area_id), mode = $m, labelled = $l, non_recorded_alternative = $alt,
                              modified_at = $t, modified_by = $p WHERE id = $id",
                    ("$a", area?.Id), ("$m", mode.ToString()), ("$l", labelled ? 1 : 0), ("$alt", newAlternative),
                    ("$t", Timestamp.ToText(ctx.Now)), ("$p", ctx.Principal), ("$id", before.Id));
                ctx.Audit("SetRecordedExtension", "RecordedExtension", n, new Dictionary<string, object>
                {
                    ["id"] = before.Id,
                    ["serviceArea"] = area != null && area.Name != before.ServiceArea ? before.ServiceArea + " -> " + area.Name : null,
                    ["mode"] = mode != before.Mode ? before.Mode + " -> " + mode : null,
                    ["labelled"] = labelled != before.Labelled ? (object)labelled : null,
                    ["nonRecordedAlternative"] = newAlternative != before.NonRecordedAlternative ? (before.NonRecordedAlternative ?? "") + " -> " + (newAlternative ?? "") : null,
                });
                return Load(ctx, before.Id);
            });
        }

        public RecordedExtension Remove(string number)
        {
            var n = NormaliseNumber(number);
            return _store.Change("remove recorded extensions", ctx =>
            {
                ctx.Require(RecordingRole.Administrator, "remove recorded extensions");
                var e = Find(ctx, n);
                ctx.Execute("DELETE FROM recorded_extension WHERE id = $id", ("$id", e.Id));
                ctx.Audit("RemoveRecordedExtension", "RecordedExtension", n, new Dictionary<string, object> { ["id"] = e.Id, ["serviceArea"] = e.ServiceArea, ["mode"] = e.Mode.ToString() });
                return e;
            });
        }

        private static RecordedExtension Find(ChangeContext ctx, string number)
        {
            using (var cmd = ctx.Command(Select + " WHERE e.number = $n", ("$n", number)))
            using (var r = cmd.ExecuteReader())
            {
                if (!r.Read())
                {
                    throw new PolicyException("ExtensionNotFound", FailureKind.ObjectNotFound, "Extension " + number + " is not a recorded extension.", number);
                }
                return Map(r);
            }
        }

        private static RecordedExtension Load(ChangeContext ctx, string id)
        {
            using (var cmd = ctx.Command(Select + " WHERE e.id = $id", ("$id", id)))
            using (var r = cmd.ExecuteReader())
            {
                r.Read();
                return Map(r);
            }
        }

        private static RecordedExtension Map(SqliteDataReader r) => new RecordedExtension
        {
            Id = r.Text("id"),
            Number = r.Text("number"),
            ServiceArea = r.Text("area_name"),
            Mode = r.Text("mode") == "Constant" ? ExtensionMode.Constant : ExtensionMode.OnDemand,
            Labelled = r.Bool("labelled"),
            NonRecordedAlternative = r.Text("non_recorded_alternative"),
            CreatedAt = r.Time("created_at"),
            CreatedBy = r.Text("created_by"),
            ModifiedAt = r.Time("modified_at"),
            ModifiedBy = r.Text("modified_by"),
        };
    }
}
