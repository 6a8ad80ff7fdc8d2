using System.Collections.Generic;
using System.Linq;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.PolicyDatabase;

namespace CallRecordingAdmin.Engine.Store
{
    /// <summary>
    /// Test-RecordingStore's schema check (issue 11): the policy database's tables, columns, indexes, triggers and views
    /// are exactly those its migrations make. A dropped append-only trigger, an added index or table, an altered column is
    /// a <c>StoreSchemaMismatch</c> error naming the object. The expected schema comes from the migrations themselves
    /// (<see cref="IPolicyDatabase.SchemaDifferences"/>), so a new migration needs no change here.
    /// </summary>
    internal static class StoreSchemaCheck
    {
        internal const string Check = "StoreSchemaMismatch";

        internal static IEnumerable<StoreFinding> Findings(IPolicyDatabase database)
        {
            var differences = database.SchemaDifferences();
            foreach (var d in differences)
            {
                var what = d.ObjectType + " '" + d.Name + "'";
                var why = d.Problem == "Missing" ? what + " that the migrations make is missing from the policy database"
                    : d.Problem == "Unexpected" ? what + " is in the policy database but no migration makes it (" + Text.Printable(d.Actual, 300) + ")"
                    : what + " differs from what the migrations make: it is '" + Text.Printable(d.Actual, 300) + "', the migrations make '" + Text.Printable(d.Expected, 300) + "'";
                yield return StoreFindings.Of(new PolicyException("StoreSchemaMismatch", FailureKind.InvalidData,
                    "The schema was changed outside the module: " + why + ".", d.Name), FindingSeverity.Error);
            }
            if (differences.Count == 0)
            {
                yield return new StoreFinding(Check, FindingSeverity.Ok,
                    "The schema (tables, columns, indexes, triggers, views) is exactly what the migrations make.", database.Location);
            }
        }
    }

    /// <summary>Findings made from a catalogued error (its ErrorId is the finding's Check, its message the finding's).</summary>
    internal static class StoreFindings
    {
        internal static StoreFinding Of(PolicyException e, FindingSeverity severity) =>
            new StoreFinding(e.ErrorId, severity, e.Message, System.Convert.ToString(e.Target, System.Globalization.CultureInfo.InvariantCulture));
    }
}
