using System.Text;

namespace CallRecordingAdmin.Engine.PolicyDatabase.Sqlite
{
    /// <summary>Turns a PowerShell-style wildcard (* ?) into a SQLite LIKE pattern with '\' as the escape (a dialect matter: PostgreSQL has ILIKE and its own escapes).</summary>
    internal static class SqliteLike
    {
        public static bool HasWildcard(string value) => Policy.Wildcard.HasWildcard(value);

        public static string From(string wildcard)
        {
            var sb = new StringBuilder(wildcard.Length + 4);
            foreach (var ch in wildcard)
            {
                switch (ch)
                {
                    case '*': sb.Append('%'); break;
                    case '?': sb.Append('_'); break;
                    case '%':
                    case '_':
                    case '\\': sb.Append('\\').Append(ch); break;
                    default: sb.Append(ch); break;
                }
            }
            return sb.ToString();
        }
    }
}
