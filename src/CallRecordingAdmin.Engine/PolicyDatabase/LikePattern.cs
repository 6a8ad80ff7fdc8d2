using System.Text;

namespace CallRecordingAdmin.Engine.PolicyDatabase
{
    /// <summary>Turns a PowerShell-style wildcard (* ?) into a SQL LIKE pattern with '\' as the escape.</summary>
    internal static class LikePattern
    {
        public static bool HasWildcard(string value) => value != null && (value.IndexOf('*') >= 0 || value.IndexOf('?') >= 0);

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
