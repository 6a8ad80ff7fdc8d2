using System;
using System.Collections.Generic;
using CallRecordingAdmin.Engine.ServiceAreas;

namespace CallRecordingAdmin.Engine.RecordedExtensions
{
    /// <summary>A recorded extension's number with its area and the area's retention: the facts import checks a call against (clause 2.1).</summary>
    public readonly struct ExtensionArea
    {
        public ExtensionArea(string number, string areaId, string areaName, RetentionPeriod retention)
        {
            Number = number;
            AreaId = areaId;
            AreaName = areaName;
            Retention = retention;
        }

        public string Number { get; }
        public string AreaId { get; }
        public string AreaName { get; }
        public RetentionPeriod Retention { get; }
    }

    /// <summary>Recorded extensions (clause 2.3): reads and writes; the rules are ExtensionRules' and ExtensionRegister's.</summary>
    public interface IExtensionRepository
    {
        /// <summary>One extension by its normalised number; null when it is not recorded.</summary>
        RecordedExtension Find(string number);

        /// <summary>One extension by id; null when there is none.</summary>
        RecordedExtension Load(string id);

        /// <summary>Extensions by number (exact, or a * ? wildcard), area (<see cref="AreaSelector"/>) and mode; ordered by area name, number.</summary>
        IReadOnlyList<RecordedExtension> Query(string number, AreaSelector serviceArea, ExtensionMode? mode);

        /// <summary>Whether <paramref name="number"/> is a recorded extension.</summary>
        bool IsRecorded(string number);

        /// <summary>A recorded extension (other than <paramref name="number"/> itself) that names <paramref name="number"/> as its non-recorded alternative; null when none does.</summary>
        string DependentOf(string number);

        /// <summary>Every recorded extension with its area: what import checks each call against.</summary>
        IReadOnlyList<ExtensionArea> Areas();

        /// <summary>Writes a new extension (a write session only).</summary>
        void Insert(RecordedExtension extension, string serviceAreaId);

        /// <summary>Writes an extension's area (null: unchanged), mode, label and alternative, and who changed it.</summary>
        void Update(string id, string serviceAreaId, ExtensionMode mode, bool labelled, string nonRecordedAlternative, DateTimeOffset at, string by);

        /// <summary>Deletes one extension by id.</summary>
        void Delete(string id);
    }
}
