using System;

namespace CallRecordingAdmin.Engine.PolicyDatabase
{
    /// <summary>What a store says about itself, written once when it is created (store_meta).</summary>
    public sealed class StoreMeta
    {
        public string StoreId { get; set; }
        public DateTimeOffset CreatedAt { get; set; }
        public string CreatedBy { get; set; }
        /// <summary>The master key's fingerprint; empty in stores made before it was recorded.</summary>
        public string KeyFingerprint { get; set; }
        /// <summary>The master key's path when it was given at creation; empty for the default (the key beside the database).</summary>
        public string KeyPath { get; set; }
        /// <summary>True for a store created with -SharedOsAccount.</summary>
        public bool SharedOsAccount { get; set; }
    }
}
