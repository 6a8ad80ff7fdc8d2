using System;

namespace CallRecordingAdmin.Engine.RecordedExtensions
{
    /// <summary>Constant: every call is recorded; OnDemand: recording is started per call.</summary>
    public enum ExtensionMode { Constant, OnDemand }

    /// <summary>A telephone extension whose calls are recorded, in one service area (clause 2.3).</summary>
    public sealed class RecordedExtension
    {
        public string Id { get; set; }
        public string Number { get; set; }
        public string ServiceArea { get; set; }
        public ExtensionMode Mode { get; set; }
        /// <summary>The handset is marked as recorded (2.3 "where possible … marked/labelled").</summary>
        public bool Labelled { get; set; }
        /// <summary>A non-recorded extension the staff can use for confidential calls (required for Constant, 2.3).</summary>
        public string NonRecordedAlternative { get; set; }
        public DateTimeOffset CreatedAt { get; set; }
        public string CreatedBy { get; set; }
        public DateTimeOffset ModifiedAt { get; set; }
        public string ModifiedBy { get; set; }
    }

    /// <summary>What Set-RecordedExtension changes: a null property is left as it is.</summary>
    public sealed class RecordedExtensionChange
    {
        public string ServiceArea { get; set; }
        public ExtensionMode? Mode { get; set; }
        public bool? Labelled { get; set; }
        public string NonRecordedAlternative { get; set; }
    }
}
