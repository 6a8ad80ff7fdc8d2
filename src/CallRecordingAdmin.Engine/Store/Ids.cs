using System;
using System.Security.Cryptography;

namespace CallRecordingAdmin.Engine.Store
{
    /// <summary>
    /// Stable string ids with a readable prefix that sort by creation time: "rec-01M8GV21P8D3H8X8P3YKPX078H".
    /// The part after the prefix is a ULID (https://github.com/ulid/spec): 48 bits of Unix milliseconds then
    /// 80 random bits, in Crockford base32 (26 characters, no I, L, O or U), so ordinal order is creation order.
    /// </summary>
    /// <remarks>
    /// The time is the machine's real clock, not the store's injected clock: an id orders the rows as they were
    /// really written, while the store clock (which tests and forecasts move, even backwards) sets the
    /// timestamps the policy reasons about. Within one process ids never go backwards: a second id in the same
    /// millisecond (or after the clock stepped back) takes the last time and the last random part plus one,
    /// as the ULID specification's monotonic generator does. Ids from two processes in one millisecond are
    /// unordered between themselves but, with 80 random bits, distinct.
    /// </remarks>
    public static class Ids
    {
        private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
        /// <summary>Length of the part after the prefix and its dash.</summary>
        public const int BodyLength = 26;

        private static readonly object Gate = new object();
        private static readonly RandomNumberGenerator Random = RandomNumberGenerator.Create();
        private static readonly byte[] LastRandom = new byte[10];
        private static long _lastMs = -1;

        public static string New(string prefix) => prefix + "-" + NewBody(DateTimeOffset.UtcNow);

        internal static string NewBody(DateTimeOffset now)
        {
            var bytes = new byte[16];
            lock (Gate)
            {
                var ms = now.ToUnixTimeMilliseconds();
                if (ms > _lastMs)
                {
                    Fresh();
                }
                else if (Increment(LastRandom))
                {
                    ms = _lastMs;
                }
                else
                {
                    ms = _lastMs + 1; // the random part ran over within one millisecond: move on to the next
                    Fresh();
                }
                _lastMs = ms;
                for (var i = 0; i < 6; i++) bytes[i] = (byte)(ms >> (8 * (5 - i)));
                Buffer.BlockCopy(LastRandom, 0, bytes, 6, 10);
            }
            return Encode(bytes);
        }

        private static void Fresh()
        {
            Random.GetBytes(LastRandom);
            LastRandom[0] &= 0x7F; // leaves room to count up within the millisecond
        }

        /// <summary>Adds one to a big-endian number; false when it overflowed (it is then all zero).</summary>
        private static bool Increment(byte[] number)
        {
            for (var i = number.Length - 1; i >= 0; i--)
            {
                if (++number[i] != 0) return true;
            }
            return false;
        }

        /// <summary>128 bits as 26 Crockford base32 characters, most significant first (the first carries 3 bits).</summary>
        private static string Encode(byte[] bytes)
        {
            var chars = new char[BodyLength];
            for (var c = 0; c < BodyLength; c++)
            {
                var value = 0;
                for (var b = 0; b < 5; b++)
                {
                    var bit = c * 5 + b - 2; // the 128-bit number, with two leading zero bits
                    value <<= 1;
                    if (bit >= 0) value |= (bytes[bit >> 3] >> (7 - (bit & 7))) & 1;
                }
                chars[c] = Alphabet[value];
            }
            return new string(chars);
        }

        /// <summary>When a time-ordered id was made; null for an id of the older, random form.</summary>
        public static DateTimeOffset? CreatedAt(string id)
        {
            var body = Body(id);
            if (!IsTimeOrdered(body)) return null;
            long ms = 0;
            for (var c = 0; c < 10; c++) ms = (ms << 5) | (long)Alphabet.IndexOf(body[c]);
            return DateTimeOffset.FromUnixTimeMilliseconds(ms);
        }

        /// <summary>
        /// Two characters that spread files over folders: the last two of a time-ordered id (its first characters
        /// change only every few years, and ids made in one millisecond differ in their last), the first two of
        /// the older random ids.
        /// </summary>
        public static string Shard(string id)
        {
            var body = Body(id);
            return IsTimeOrdered(body) ? body.Substring(BodyLength - 2, 2) : body.Substring(0, 2);
        }

        private static string Body(string id) => id.Substring(id.IndexOf('-') + 1);

        private static bool IsTimeOrdered(string body)
        {
            if (body.Length != BodyLength || body[0] > '7') return false;
            foreach (var ch in body)
            {
                if (Alphabet.IndexOf(ch) < 0) return false;
            }
            return true;
        }
    }
}
