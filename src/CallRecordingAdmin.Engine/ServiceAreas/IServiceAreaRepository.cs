using System;
using System.Collections.Generic;

namespace CallRecordingAdmin.Engine.ServiceAreas
{
    /// <summary>
    /// The service areas: find by name or id, query, insert, update, delete, uses; the one writer of an area's
    /// retention (<see cref="SetRetention"/>, called only by <see cref="ChangeRetention"/>). It reads and writes; it
    /// never decides: whether an area is authorised is <see cref="AreaRules"/>' answer over the request windows.
    /// The areas it returns carry no authorisation (Authorised, AuthorisedUntil, AuthorisingRequestId are set by ServiceAreaRegister).
    /// </summary>
    public interface IServiceAreaRepository
    {
        /// <summary>The id of the area with this exact name (any case) or id; null when there is none.</summary>
        string FindId(string nameOrId);

        /// <summary>One area by id; null when there is none.</summary>
        ServiceArea Load(string id);

        /// <summary>The areas any of <paramref name="selectors"/> selects (every area when none are given), ordered by name.</summary>
        IReadOnlyList<ServiceArea> Query(IReadOnlyList<AreaSelector> selectors);

        /// <summary>The ids of the areas <paramref name="selector"/> selects (the same rule as <see cref="AreaSelector.Matches"/>).</summary>
        IReadOnlyList<string> Resolve(AreaSelector selector);

        /// <summary>Whether another area (not <paramref name="exceptId"/>) already has this name, compared without regard to case.</summary>
        bool NameTaken(string name, string exceptId);

        /// <summary>Writes a new area (a write session only).</summary>
        void Insert(ServiceArea area, RetentionPeriod retention);

        /// <summary>Writes the changed name, description and notices (null: unchanged) and who changed it; never the retention.</summary>
        void Update(string id, string name, string description, string customerNotice, bool? automatedNotice, DateTimeOffset at, string by);

        /// <summary>The only writer of an area's retention (a write session only); <see cref="ChangeRetention"/> calls it.</summary>
        void SetRetention(string id, RetentionPeriod retention, DateTimeOffset at, string by);

        /// <summary>What still refers to the area, as (count, what) pairs with a count above zero.</summary>
        IReadOnlyList<(long Count, string What)> Uses(string id);

        /// <summary>Deletes the area row (a write session only).</summary>
        void Delete(string id);
    }
}
