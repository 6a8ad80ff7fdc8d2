namespace CallRecordingAdmin.Engine.Policy
{
    /// <summary>The purposes for which calls are recorded and recordings reviewed (clauses 2.1 and 3.1 a–e).</summary>
    public enum Purpose
    {
        /// <summary>3.1 a: quality of call handling and customer service, regulatory compliance.</summary>
        QualityMonitoring,
        /// <summary>3.1 b: staff training, coaching and support.</summary>
        Training,
        /// <summary>3.1 c: verifying the customer's agreement during certain service requests.</summary>
        CustomerAgreement,
        /// <summary>3.1 d: verifying what was said in a dispute or complaint.</summary>
        DisputeOrComplaint,
        /// <summary>3.1 e: protecting staff from abusive behaviour.</summary>
        StaffProtection,
    }

    /// <summary>What a nominated member of staff may do with recordings (clause 3.1).</summary>
    public enum AccessRight
    {
        Play,
        Download,
        Copy,
        Share,
        Delete,
    }
}
