using System;
using System.Collections.Generic;
using System.Text;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.Roles;
using CallRecordingAdmin.Engine.ServiceAreas;
using CallRecordingAdmin.Engine.Store;

namespace CallRecordingAdmin.Engine.RecordedExtensions
{
    /// <summary>Adds, finds, changes and removes recorded extensions, keeping clause 2.3's rule for constantly recorded ones.</summary>
    public sealed class ExtensionRegister
    {
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
                if (ctx.Db.Extensions.IsRecorded(n))
                {
                    throw new PolicyException("ExtensionExists", FailureKind.ResourceExists, "Extension " + n + " is already recorded.", n);
                }
                CheckAlternative(ctx, n, mode, alternative);
                var id = Ids.New("ext");
                ctx.Db.Extensions.Insert(new RecordedExtension
                {
                    Id = id, Number = n, Mode = mode, Labelled = labelled, NonRecordedAlternative = alternative, CreatedAt = ctx.Now, CreatedBy = ctx.Principal,
                }, area.Id);
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
                ctx.Db.Extensions.IsRecorded);
            if (problem != null)
            {
                throw new PolicyException("NonRecordedAlternativeRequired", FailureKind.InvalidArgument, problem, number, "2.3");
            }
            var dependent = ctx.Db.Extensions.DependentOf(number);
            if (dependent != null)
            {
                throw new PolicyException("NonRecordedAlternativeConflict", FailureKind.InvalidOperation,
                    "extension " + number + " is the non-recorded alternative of recorded extension " + dependent + "; recording it would leave those staff no confidential line. Give " + dependent + " another alternative first.",
                    number, "2.3");
            }
        }

        /// <summary>Extensions by number (exact or a * ? wildcard), area (a name, an id or a wildcard: <see cref="AreaSelector"/>) and mode.</summary>
        public IEnumerable<RecordedExtension> Get(string number = null, string serviceArea = null, ExtensionMode? mode = null)
        {
            var n = string.IsNullOrEmpty(number) ? null : number.IndexOf('*') >= 0 || number.IndexOf('?') >= 0 ? number : NormaliseNumber(number);
            var area = AreaSelector.Parse(serviceArea);
            var found = _store.Database.Read(db => db.Extensions.Query(n, area, mode));
            foreach (var e in found) yield return e;
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
                ctx.Db.Extensions.Update(before.Id, area?.Id, mode, labelled, newAlternative, ctx.Now, ctx.Principal);
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
                ctx.Db.Extensions.Delete(e.Id);
                ctx.Audit("RemoveRecordedExtension", "RecordedExtension", n, new Dictionary<string, object> { ["id"] = e.Id, ["serviceArea"] = e.ServiceArea, ["mode"] = e.Mode.ToString() });
                return e;
            });
        }

        private static RecordedExtension Find(ChangeContext ctx, string number) =>
            ctx.Db.Extensions.Find(number) ??
            throw new PolicyException("ExtensionNotFound", FailureKind.ObjectNotFound, "Extension " + number + " is not a recorded extension.", number);

        private static RecordedExtension Load(ChangeContext ctx, string id) => ctx.Db.Extensions.Load(id);
    }
}
