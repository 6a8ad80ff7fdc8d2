using CallRecordingAdmin.Engine.Recordings;

namespace CallRecordingAdmin.Engine.Store
{
    public sealed partial class RecordingStore
    {
        /// <summary>Update-RecordingFormat: rewrites recordings stored in format 1 in the authenticated format 2 (issue 11).</summary>
        public RecordingFormatUpgrade FormatUpgrade => new RecordingFormatUpgrade(this);
    }
}
