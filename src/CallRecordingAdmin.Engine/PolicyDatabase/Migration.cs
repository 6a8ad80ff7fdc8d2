namespace CallRecordingAdmin.Engine.PolicyDatabase
{
    /// <summary>
    /// One forward-only step of the schema: its number and what it does are the same for every dialect.
    /// <see cref="Sql"/> is the step's script in the dialect of the list it belongs to (SQLite:
    /// Sqlite/SqliteMigrations.cs); a PostgreSQL list keeps the same numbers and names.
    /// </summary>
    public sealed class Migration
    {
        public Migration(int version, string name, string sql)
        {
            Version = version;
            Name = name;
            Sql = sql;
        }

        public int Version { get; }
        public string Name { get; }
        public string Sql { get; }
    }
}
