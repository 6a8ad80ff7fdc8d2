using System;
using System.Management.Automation;

namespace CallRecordingAdmin.Binding
{
    /// <summary>
    /// Converts the text of a date parameter as PowerShell would, but refuses text that is not a date.
    /// </summary>
    /// <remarks>
    /// Without it, a CSV cell such as "soon" piped by property name into an optional date parameter of a cmdlet
    /// with several parameter sets is silently left unbound: Import-Csv | Grant-RecordingAccess took
    /// ReviewBy = soon as no review date at all (found by the fault campaign, case c154). A transformation runs
    /// before the binder's own conversion, and its failure is reported (ParameterArgumentTransformationError,
    /// the message beginning "DateInvalid:"), so the row fails alone and the batch goes on. An empty cell still
    /// means "no date" (the parameter's default).
    /// </remarks>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class DateTextAttribute : ArgumentTransformationAttribute
    {
        /// <param name="type">The parameter's date type: DateTimeOffset (default) or DateTime.</param>
        public DateTextAttribute(Type type = null) { Type = type ?? typeof(DateTimeOffset); }

        /// <summary>The type the text is converted to.</summary>
        public Type Type { get; }

        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            var value = inputData is PSObject pso ? pso.BaseObject : inputData;
            if (!(value is string text))
            {
                return inputData;
            }
            if (text.Trim().Length == 0)
            {
                return null;
            }
            if (CallRecordingAdmin.Engine.Policy.Timestamp.IsDayMonthForm(text))
            {
                // The invariant culture would read 11/12/2026 as November 12; a UK operator means 11 December. Neither is guessed.
                throw new ArgumentTransformationMetadataException(
                    "DateInvalid: '" + (text.Length > 64 ? text.Substring(0, 64) + "…" : text) + "' writes the day and month in an order the text does not say (11/12/2026 is 11 December in the UK, November 12 in the US); write it as yyyy-MM-dd or yyyy-MM-ddTHH:mm:ssZ.");
            }
            try
            {
                return LanguagePrimitives.ConvertTo(text.Trim(), Type, System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (Exception e) when (e is PSInvalidCastException || e is FormatException || e is ArgumentException)
            {
                throw new ArgumentTransformationMetadataException(
                    "DateInvalid: '" + (text.Length > 64 ? text.Substring(0, 64) + "…" : text) + "' is not a date; write it as yyyy-MM-dd or yyyy-MM-ddTHH:mm:ssZ.", e);
            }
        }
    }
}
