using System;
using System.IO;

namespace CallRecordingAdmin.Engine.Policy
{
    /// <summary>Reads that name themselves: an I/O error while reading becomes FileReadFailed, not the cmdlets' catch-all FileWriteFailed.</summary>
    internal static class FileRead
    {
        public static PolicyException Failed(string path, IOException e) =>
            new PolicyException("FileReadFailed", FailureKind.ReadError, "'" + path + "' could not be read: " + e.Message, path, null, e);

        public static T Try<T>(string path, Func<T> read)
        {
            try
            {
                return read();
            }
            catch (IOException e)
            {
                throw Failed(path, e);
            }
        }
    }
}
