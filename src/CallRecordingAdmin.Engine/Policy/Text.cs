namespace CallRecordingAdmin.Engine.Policy
{
    internal static class Text
    {
        /// <summary>The trimmed value, or a refusal with <paramref name="errorId"/> when it is empty.</summary>
        public static string Required(string value, string errorId, string message, string clause = null)
        {
            var v = value?.Trim();
            if (string.IsNullOrEmpty(v))
            {
                throw new PolicyException(errorId, FailureKind.InvalidArgument, message, value, clause);
            }
            return v;
        }

        public static string Optional(string value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

        /// <summary>Lower-case hexadecimal, the one form hashes take everywhere (audit chain, recordings, manifests).</summary>
        public static string Hex(byte[] bytes)
        {
            var sb = new System.Text.StringBuilder(bytes.Length * 2);
            foreach (var b in bytes) sb.Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            return sb.ToString();
        }
    }
}
