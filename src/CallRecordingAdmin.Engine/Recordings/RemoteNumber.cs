using PhoneNumbers;

namespace CallRecordingAdmin.Engine.Recordings
{
    /// <summary>
    /// Telephone numbers in one form, E.164, through libphonenumber (default region GB), so that
    /// "07700 900123", "+44 7700 900123" and "447700900123" find the same calls. A number libphonenumber
    /// cannot read is kept as its digits (with a leading '+' if it had one), so it still matches itself.
    /// </summary>
    public static class RemoteNumber
    {
        public const string DefaultRegion = "GB";
        private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

        public static string Normalise(string raw, string region = DefaultRegion)
        {
            if (string.IsNullOrWhiteSpace(raw)) return null;
            var text = raw.Trim();
            foreach (var candidate in new[] { text, text.StartsWith("+") || text.StartsWith("0") ? null : "+" + text })
            {
                if (candidate == null) continue;
                try
                {
                    var parsed = Util.Parse(candidate, region);
                    if (Util.IsPossibleNumber(parsed)) return Util.Format(parsed, PhoneNumberFormat.E164);
                }
                catch (NumberParseException)
                {
                }
            }
            var digits = new System.Text.StringBuilder();
            foreach (var ch in text)
            {
                if (char.IsDigit(ch)) digits.Append(ch);
                else if (ch == '+' && digits.Length == 0) digits.Append(ch);
            }
            return digits.Length == 0 ? null : digits.ToString();
        }
    }
}
