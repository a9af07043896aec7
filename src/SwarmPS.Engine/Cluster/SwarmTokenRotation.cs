using System;
using System.Net.Http;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Docker.DotNet;

namespace SwarmPS.Engine.Cluster
{
    /// <summary>
    /// Rotates a join token with the Engine API's own parameter names. Docker.DotNet.Enhanced 4.3.3 sends
    /// them lower-cased (rotateworkertoken), which the engine silently ignores, so the token never changed.
    /// </summary>
    internal static class SwarmTokenRotation
    {
        /// <param name="http">A client whose base address is the engine's versioned API root.</param>
        internal static async Task RotateAsync(HttpClient http, string role, CancellationToken cancellationToken)
        {
            string swarmJson = await http.GetStringAsync("swarm", cancellationToken).ConfigureAwait(false);
            JsonNode swarm = JsonNode.Parse(swarmJson) ?? throw new FormatException("The engine returned no swarm.");
            ulong version = swarm["Version"]?["Index"]?.GetValue<ulong>() ?? 0;
            string spec = swarm["Spec"]?.ToJsonString() ?? "{}";
            string flag = role == "manager" ? "rotateManagerToken" : "rotateWorkerToken";
            using var body = new StringContent(spec, Encoding.UTF8, "application/json");
            using HttpResponseMessage response = await http.PostAsync($"swarm/update?version={version}&{flag}=true", body, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                // The gateway turns this into the module's error, as for any other engine answer.
                string answer = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                throw new DockerApiException(response.StatusCode, answer);
            }
        }
    }
}
