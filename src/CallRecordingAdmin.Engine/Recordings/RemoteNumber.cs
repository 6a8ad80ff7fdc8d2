using System;
using CallRecordingAdmin.Engine.Policy;
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

        /// <summary>The explicit values a recorder writes for a caller who withheld their number; stored as given, with no E.164 form.</summary>
        public static readonly string[] WithheldValues = { "withheld", "anonymous" };

        /// <summary>Longest number E.164 allows, in digits.</summary>
        public const int MaxDigits = 15;

        public static bool IsWithheld(string raw) =>
            raw != null && Array.Exists(WithheldValues, w => string.Equals(w, raw.Trim(), StringComparison.OrdinalIgnoreCase));

        /// <summary>
        /// A number an imported call may carry: blank, an explicit withheld value ("withheld", "anonymous"), an
        /// internal extension on an Internal call, or a number libphonenumber finds possible (E.164 at most 15
        /// digits, written with digits, spaces, + ( ) - . only) that is not filler (see <see cref="Filler"/>). Anything else — a formula, letters, 16 digits —
        /// is <c>InvalidPhoneNumber</c>. Returns the trimmed text, or null when blank.
        /// </summary>
        public static string Validate(string raw, CallDirection direction, string callId)
        {
            if (string.IsNullOrWhiteSpace(raw)) return null;
            var text = raw.Trim();
            if (IsWithheld(text)) return text;
            string Refuse(string why) => throw new PolicyException("InvalidPhoneNumber", FailureKind.InvalidData,
                "call " + callId + " has RemoteNumber '" + (text.Length > 40 ? text.Substring(0, 40) + "…" : text) + "': " + why +
                ". Give a telephone number, or '" + WithheldValues[0] + "' when the caller withheld it. It was not imported.", text);
            var digits = 0;
            for (var i = 0; i < text.Length; i++)
            {
                var ch = text[i];
                if (ch >= '0' && ch <= '9') digits++;
                else if (ch == '+' && i == 0) { }
                else if (ch == ' ' || ch == '(' || ch == ')' || ch == '-' || ch == '.') { }
                else return Refuse("'" + (char.IsControl(ch) ? "U+" + ((int)ch).ToString("X4") : ch.ToString()) + "' is not part of a telephone number");
            }
            if (digits == 0) return Refuse("it has no digits");
            if (digits > MaxDigits) return Refuse("it has " + digits + " digits; E.164 numbers have at most " + MaxDigits);
            if (direction == CallDirection.Internal && text[0] != '+' && digits <= 8) return text;
            foreach (var candidate in new[] { text, text.StartsWith("+") || text.StartsWith("0") ? null : "+" + text })
            {
                if (candidate == null) continue;
                try
                {
                    var parsed = Util.Parse(candidate, DefaultRegion);
                    if (Util.IsPossibleNumber(parsed))
                    {
                        var filler = Filler(parsed);
                        if (filler != null) return Refuse(filler);
                        return text;
                    }
                }
                catch (NumberParseException)
                {
                }
            }
            return Refuse("it is not a possible telephone number");
        }

        /// <summary>
        /// Why a number of a possible length is still no telephone number, or null. libphonenumber's IsPossibleNumber checks only
        /// the length for the country, so filler a recorder writes for "no number" (<c>00000000</c>, <c>99999999</c>) passes it.
        /// Refused: a national number that is one digit repeated, and a national number with a leading zero that is not a valid
        /// number of its country (UK national numbers never begin with 0 once the trunk 0 is dropped; Italian ones do, and are valid).
        /// Full validity (IsValidNumber) is not required: it refuses the Ofcom drama ranges and number ranges newer than the
        /// library's metadata, and a real call must not be left out of the store for that.
        /// </summary>
        private static string Filler(PhoneNumber parsed)
        {
            var national = Util.GetNationalSignificantNumber(parsed);
            if (national.Length == 0) return "it has no national number";
            if (national.Trim(national[0]).Length == 0) return "its national number is one digit repeated (" + national + "), which is filler, not a telephone number";
            if (national[0] == '0' && !Util.IsValidNumber(parsed)) return "its national number " + national + " begins with 0 and is no valid number of country code +" + parsed.CountryCode;
            return null;
        }

        public static string Normalise(string raw, string region = DefaultRegion)
        {
            if (string.IsNullOrWhiteSpace(raw) || IsWithheld(raw)) return null;
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
