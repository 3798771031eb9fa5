/* Uses the generated header and the installed runtime: initializes the
 * parameters, runs the forward pass and one loss-and-gradient call. */
#include "tiny_classifier.h"

#include <rnnrt/rnnrt.h>

#include <stdio.h>
#include <stdlib.h>

int main(void) {
  float params[TINY_CLASSIFIER_PARAM_SIZE];
  float grads[TINY_CLASSIFIER_PARAM_SIZE];
  if (rnnrt_params_init_default(tiny_classifier_param_info(),
                                TINY_CLASSIFIER_NUM_PARAMS, params,
                                TINY_CLASSIFIER_PARAM_SIZE, 3) != RNNRT_OK)
    return 1;
  enum { B = 2, T = TINY_CLASSIFIER_SEQ_LEN };
  float x[B * T * 3];
  for (int i = 0; i < B * T * 3; ++i)
    x[i] = (float)(i % 7) / 7.0f - 0.5f;
  int64_t target[B] = {0, 1};
  void *workspace = malloc(tiny_classifier_grad_workspace_size(B, T) +
                           tiny_classifier_workspace_size(B, T));
  float logits[B * 2], loss = 0.0f;
  int32_t forward = tiny_classifier_forward(params, B, T, x, NULL, NULL, logits,
                                            NULL, workspace);
  int32_t grad = tiny_classifier_loss_and_grad(
      params, B, T, x, NULL, NULL, target, &loss, grads, NULL, NULL, workspace);
  free(workspace);
  printf("forward %d, loss_and_grad %d, loss %.4f\n", forward, grad, loss);
  return forward != 0 || grad != 0 || !(loss > 0.0f);
}
