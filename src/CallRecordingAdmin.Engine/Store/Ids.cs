using System;

namespace CallRecordingAdmin.Engine.Store
{
    /// <summary>Stable, sortable string ids with a readable prefix: "area-01J…".</summary>
    public static class Ids
    {
        public static string New(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N").Substring(0, 20);
    }
}
