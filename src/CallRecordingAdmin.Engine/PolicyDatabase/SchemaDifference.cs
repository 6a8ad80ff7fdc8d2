namespace CallRecordingAdmin.Engine.PolicyDatabase
{
    /// <summary>
    /// One way the policy database's schema differs from the one its migrations make (<see cref="IPolicyDatabase.SchemaDifferences"/>):
    /// an object that is missing, one that no migration makes, or one whose definition was changed.
    /// </summary>
    public sealed class SchemaDifference
    {
        public SchemaDifference(string objectType, string name, string problem, string expected, string actual)
        {
            ObjectType = objectType;
            Name = name;
            Problem = problem;
            Expected = expected;
            Actual = actual;
        }

        /// <summary>table, index, trigger or view.</summary>
        public string ObjectType { get; }
        public string Name { get; }
        /// <summary>Missing, Unexpected or Changed.</summary>
        public string Problem { get; }
        /// <summary>The definition the migrations make (null when Unexpected).</summary>
        public string Expected { get; }
        /// <summary>The definition the store has (null when Missing).</summary>
        public string Actual { get; }
    }
}
