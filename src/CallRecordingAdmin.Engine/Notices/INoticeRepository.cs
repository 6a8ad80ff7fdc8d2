using System;
using System.Collections.Generic;

namespace CallRecordingAdmin.Engine.Notices
{
    /// <summary>
    /// Rosters, staff notifications and notification measures (clauses 2.3, 2.4): the facts NoticeRegister and the
    /// compliance report need. It reads and writes; it never decides (who may change a roster, which kind of notice
    /// fits whom, when a notice is overdue are NoticeRegister's and <see cref="NoticeRules"/>' rules).
    /// </summary>
    public interface INoticeRepository
    {
        /// <summary>The current (not removed) roster entry of <paramref name="principal"/> in the area, or null.</summary>
        ServiceAreaMember CurrentMember(string serviceAreaId, string principal);

        /// <summary>One roster entry by id (removed or not), or null.</summary>
        ServiceAreaMember Member(string memberId);

        /// <summary>
        /// Roster entries by area (name, id or a * ? wildcard on the name), principal (exact, case-insensitive, or a
        /// wildcard) and relation; current ones unless <paramref name="includeRemoved"/>. Ordered by area, principal, time added. Streams.
        /// </summary>
        IEnumerable<ServiceAreaMember> Members(string serviceArea, string principal, MemberRelation? relation, bool includeRemoved);

        /// <summary>Writes a new roster entry (a write session only).</summary>
        void AddMember(ServiceAreaMember member, string serviceAreaId);

        /// <summary>Marks a roster entry removed, with who, when and why (a write session only).</summary>
        void RemoveMember(string memberId, DateTimeOffset at, string by, string reason);

        /// <summary>One notice by id, or null.</summary>
        StaffNotification Notification(string notificationId);

        /// <summary>Notices by area and principal (as in <see cref="Members"/>), oldest first. Streams.</summary>
        IEnumerable<StaffNotification> Notifications(string serviceArea, string principal);

        /// <summary>Writes a notice (a write session only; the table is append-only).</summary>
        void AddNotification(StaffNotification notification, string serviceAreaId);

        /// <summary>Measures by area (as in <see cref="Members"/>), by area, date taken and id. Streams.</summary>
        IEnumerable<NotificationMeasure> Measures(string serviceArea);

        /// <summary>Writes a measure (a write session only; the table is append-only).</summary>
        void AddMeasure(NotificationMeasure measure, string serviceAreaId);
    }
}
