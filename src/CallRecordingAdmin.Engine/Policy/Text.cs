namespace CallRecordingAdmin.Engine.Policy
{
    /// <summary>
    /// The one place where text that goes into the store gets its limits: ids and names at most
    /// <see cref="NameMax"/> characters, reasons, descriptions and notices at most <see cref="ReasonMax"/>, and
    /// never a control character (C0, DEL, C1) or a bidirectional control (U+200E/F, U+202A–202E, U+2066–2069,
    /// U+061C), which could forge lines in a log or make a name read backwards (<c>TextInvalid</c>).
    /// </summary>
    internal static class Text
    {
        /// <summary>Ids (CallId, case references) and names (agents, principals, areas).</summary>
        public const int NameMax = 256;

        /// <summary>Reasons, justifications, descriptions, notices, advice.</summary>
        public const int ReasonMax = 2000;

        /// <summary>The trimmed value, or a refusal with <paramref name="errorId"/> when it is empty; <c>TextInvalid</c> beyond <paramref name="max"/> or with control characters.</summary>
        public static string Required(string value, string errorId, string message, string clause = null, int max = ReasonMax, string field = null)
        {
            var v = value?.Trim();
            if (string.IsNullOrEmpty(v))
            {
                throw new PolicyException(errorId, FailureKind.InvalidArgument, message, value, clause);
            }
            return Check(v, field ?? errorId.Replace("Required", ""), max);
        }

        /// <summary>The trimmed value or null when blank; <c>TextInvalid</c> beyond <paramref name="max"/> or with control characters.</summary>
        public static string Optional(string value, string field = "text", int max = ReasonMax) =>
            string.IsNullOrWhiteSpace(value) ? null : Check(value.Trim(), field, max);

        /// <summary>An id or name: required, at most <see cref="NameMax"/> characters, no control characters.</summary>
        public static string Name(string value, string field, string errorId = null, string clause = null) =>
            Required(value, errorId ?? field + "Required", field + " is required.", clause, NameMax, field);

        /// <summary>Returns <paramref name="value"/> unchanged, or <c>TextInvalid</c> naming <paramref name="field"/> and what is wrong.</summary>
        public static string Check(string value, string field, int max)
        {
            if (value == null) return null;
            if (value.Length > max)
            {
                throw new PolicyException("TextInvalid", FailureKind.InvalidArgument,
                    field + " is " + value.Length + " characters long; at most " + max + " are allowed.", Shorten(value));
            }
            for (var i = 0; i < value.Length; i++)
            {
                var problem = Forbidden(value[i]);
                if (problem != null)
                {
                    throw new PolicyException("TextInvalid", FailureKind.InvalidArgument,
                        field + " contains " + problem + " (U+" + ((int)value[i]).ToString("X4", System.Globalization.CultureInfo.InvariantCulture) + ") at position " + (i + 1) +
                        "; control and bidirectional characters are not allowed.", Shorten(value));
                }
            }
            return value;
        }

        /// <summary>True when <paramref name="value"/> has a character <see cref="Check"/> refuses.</summary>
        public static bool HasForbidden(string value)
        {
            if (value == null) return false;
            foreach (var ch in value) if (Forbidden(ch) != null) return true;
            return false;
        }

        /// <summary>What is wrong with <paramref name="ch"/>, or null when it may be stored.</summary>
        public static string Forbidden(char ch)
        {
            if (ch < 0x20 || ch == 0x7F || (ch >= 0x80 && ch <= 0x9F)) return "a control character";
            if (ch == '\u200E' || ch == '\u200F' || ch == '\u061C' || (ch >= '\u202A' && ch <= '\u202E') || (ch >= '\u2066' && ch <= '\u2069'))
            {
                return "a bidirectional control character";
            }
            if (ch == '\uFEFF' || ch == '\u2028' || ch == '\u2029') return "an invisible or line-separating character";
            return null;
        }

        /// <summary>
        /// Text from outside (a refused row's values, a path) made fit for a log: forbidden characters become
        /// U+FFFD and it is cut at <paramref name="max"/> characters, so a refusal can always be recorded.
        /// </summary>
        public static string Printable(string value, int max = ReasonMax)
        {
            if (value == null) return null;
            var sb = new System.Text.StringBuilder(System.Math.Min(value.Length, max + 1));
            foreach (var ch in value)
            {
                if (sb.Length >= max) { sb.Append('…'); break; }
                sb.Append(Forbidden(ch) == null ? ch : '\uFFFD');
            }
            return sb.ToString();
        }

        private static string Shorten(string value) => value.Length <= 80 ? value : value.Substring(0, 80) + "…";

        /// <summary>Lower-case hexadecimal, the one form hashes take everywhere (audit chain, recordings, manifests).</summary>
        public static string Hex(byte[] bytes)
        {
            var sb = new System.Text.StringBuilder(bytes.Length * 2);
            foreach (var b in bytes) sb.Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            return sb.ToString();
        }
    }
}
