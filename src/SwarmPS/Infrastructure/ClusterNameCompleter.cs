using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using SwarmPS.Engine.Cluster;
using SwarmPS.Engine.State;

namespace SwarmPS.Infrastructure
{
    /// <summary>Completes -Cluster with the names of the saved clusters.</summary>
    public sealed class ClusterNameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var pattern = new WildcardPattern((wordToComplete ?? string.Empty).Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
            return new ClusterRepository(SwarmPaths.StateDirectory).List()
                .Where(name => pattern.IsMatch(name))
                .Select(name => new CompletionResult(name, name, CompletionResultType.ParameterValue, "SwarmPS cluster " + name));
        }
    }
}
