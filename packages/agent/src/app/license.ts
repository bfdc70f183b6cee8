/** `-license`: upstream prints its LICENSE and NOTICE files. */
export const LICENSE_TEXT = `Fractal ECS agent, a TypeScript implementation of the Amazon ECS container agent.

Licensed under the Apache License, Version 2.0 (the "License"); you may not use this software except in
compliance with the License. You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software distributed under the License is
distributed on an "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or
implied. See the License for the specific language governing permissions and limitations under the
License.

NOTICE: Amazon ECS and Amazon Web Services are trademarks of Amazon.com, Inc. or its affiliates. This
software is not made or endorsed by Amazon; it speaks the protocols of the Amazon ECS container agent.
`;
